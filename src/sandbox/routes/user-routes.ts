import { Router, type Request, type Response } from 'express';
import { SandboxApiError, forbidden, notFound, recordInvalid } from '../api-error.js';
import { offsetAnswer, offsetPage } from '../paginate.js';
import { agentCaller, caller, idParam, queryString, type SandboxContext } from '../sandbox-context.js';
import type { Role, User } from '../store/sandbox-records.js';
import { organizationJson, userJson } from '../zendesk-json.js';

const ROLES: Role[] = ['end-user', 'agent', 'admin'];

/** Endpoints Zendesk allows for admins only refuse agents while the account enforces it (zendesk-facts §10). */
function adminCaller(ctx: SandboxContext, res: Response): void {
  if (agentCaller(res).role !== 'admin' && ctx.account.adminOnlyEndpoints) throw forbidden();
}

/** The record a create request sends under `key` (`{ "user": { … } }`), or an empty one. */
function bodyRecord(req: Request, key: string): Record<string, unknown> {
  return ((req.body ?? {}) as Record<string, Record<string, unknown> | undefined>)[key] ?? {};
}

/** Users and organizations; every agent may create both, as an admin would (DESIGN §3). */
export function userRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { store } = ctx;
  const self = (req: Request) => `${ctx.origin()}${req.baseUrl}${req.path}.json`;
  const origin = () => ctx.origin();

  /** Records as Zendesk lists them: each as JSON under `key`, offset-paginated (`page` null: a search's one page). */
  const listed = <T>(
    key: string,
    rows: T[],
    toJson: (row: T, origin: string) => unknown,
    page: Parameters<typeof offsetAnswer>[2] = null,
    count = rows.length,
  ) =>
    offsetAnswer(
      key,
      rows.map((row) => toJson(row, origin())),
      page,
      count,
    );

  /** A whole table, offset-paginated, for agents (`/users`, `/organizations`). */
  const listAll =
    <T>(key: string, list: (offset: number, limit: number) => { rows: T[]; count: number }, toJson: (row: T, origin: string) => unknown) =>
    (req: Request, res: Response) => {
      agentCaller(res);
      const { count } = list(0, 0);
      const p = offsetPage(req, self(req), count);
      res.json(listed(key, list(p.offset, p.limit).rows, toJson, p, count));
    };

  /** One record by its path id: 404 when there is none, 403 when the caller is an end user it does not concern. */
  const showOne =
    <T>(key: string, find: (req: Request) => T | undefined, endUserSees: (me: User, row: T) => boolean, toJson: (row: T, origin: string) => unknown) =>
    (req: Request, res: Response) => {
      const me = caller(res);
      const row = find(req);
      if (row === undefined) throw notFound();
      if (me.role === 'end-user' && !endUserSees(me, row)) throw forbidden();
      res.json({ [key]: toJson(row, origin()) });
    };

  r.get('/users/me', (_req, res) => {
    res.json({ user: userJson(caller(res), origin()) });
  });

  r.get('/users/search', (req, res) => {
    agentCaller(res);
    const query = queryString(req, 'query') ?? '';
    const users = query ? store.users.search(query) : [];
    res.json(listed('users', users, userJson));
  });

  r.get(
    '/users',
    listAll('users', (offset, limit) => store.users.list(offset, limit), userJson),
  );

  r.post('/users', (req, res) => {
    agentCaller(res);
    const input = bodyRecord(req, 'user');
    const role = input.role === undefined ? 'end-user' : input.role;
    if (!ROLES.includes(role as Role)) throw recordInvalid('role', `Role: ${String(role)} is not valid`);
    let organizationId: number | null = null;
    if (typeof input.organization_id === 'number') organizationId = input.organization_id;
    else if (input.organization && typeof (input.organization as { name?: unknown }).name === 'string') {
      organizationId = store.organizations.ensure((input.organization as { name: string }).name).id;
    }
    if (typeof input.email !== 'string' || !input.email.trim()) throw recordInvalid('email', 'Email: cannot be blank', 'BlankValue');
    const user = store.users.create({
      name: typeof input.name === 'string' ? input.name : '',
      email: input.email,
      role: role as Role,
      organization_id: organizationId,
    });
    res.status(201).json({ user: userJson(user, origin()) });
  });

  r.get(
    '/users/:user_id',
    showOne(
      'user',
      (req) => store.users.get(idParam(req, 'user_id')),
      (me, user) => me.id === user.id,
      userJson,
    ),
  );

  r.get('/organizations/search', (req, res) => {
    adminCaller(ctx, res);
    const name = queryString(req, 'name');
    const externalId = queryString(req, 'external_id');
    const orgs = name !== undefined ? store.organizations.findByName(name) : externalId !== undefined ? store.organizations.findByExternalId(externalId) : [];
    res.json(listed('organizations', orgs, organizationJson));
  });

  // Agents: organizations whose name starts with `name` (at least 2 characters), offset-paginated.
  r.get('/organizations/autocomplete', (req, res) => {
    agentCaller(res);
    const name = queryString(req, 'name')?.trim() ?? '';
    if (name.length < 2) throw new SandboxApiError(400, { errors: [{ code: 'QueryError', title: 'Name must be at least 2 characters long' }] });
    const matches = store.organizations.findByNamePrefix(name, 1000);
    const p = offsetPage(req, self(req), matches.length);
    res.json(listed('organizations', matches.slice(p.offset, p.offset + p.limit), organizationJson, p, matches.length));
  });

  r.get(
    '/organizations',
    listAll('organizations', (offset, limit) => store.organizations.list(offset, limit), organizationJson),
  );

  r.post('/organizations', (req, res) => {
    agentCaller(res);
    const input = bodyRecord(req, 'organization');
    if (typeof input.name !== 'string') throw recordInvalid('name', 'Name: cannot be blank', 'BlankValue');
    const org = store.organizations.create({ name: input.name, external_id: typeof input.external_id === 'string' ? input.external_id : null });
    res.status(201).json({ organization: organizationJson(org, origin()) });
  });

  r.get(
    '/organizations/:organization_id',
    showOne(
      'organization',
      (req) => store.organizations.get(idParam(req, 'organization_id')),
      (me, org) => me.organization_id === org.id,
      organizationJson,
    ),
  );

  return r;
}
