import { Router, type Request } from 'express';
import { SandboxApiError, forbidden, notFound, recordInvalid } from '../api-error.js';
import { offsetPage } from '../paginate.js';
import { caller, idParam, type SandboxContext } from '../sandbox-context.js';
import type { Role, User } from '../store/sandbox-records.js';
import { organizationJson, userJson } from '../zendesk-json.js';

const ROLES: Role[] = ['end-user', 'agent', 'admin'];

function requireAgent(user: User): void {
  if (user.role === 'end-user') throw forbidden();
}

/** Endpoints Zendesk allows for admins only refuse agents while the account enforces it (zendesk-facts §10). */
function requireAdmin(ctx: SandboxContext, user: User): void {
  requireAgent(user);
  if (ctx.account.adminOnlyEndpoints && user.role !== 'admin') throw forbidden();
}

/** Users and organizations; every agent may create both, as an admin would (DESIGN §3). */
export function userRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { store } = ctx;
  const self = (req: Request) => `${ctx.origin()}${req.baseUrl}${req.path}.json`;
  const origin = () => ctx.origin();

  r.get('/users/me', (_req, res) => {
    res.json({ user: userJson(caller(res), origin()) });
  });

  r.get('/users/search', (req, res) => {
    requireAgent(caller(res));
    const query = typeof req.query.query === 'string' ? req.query.query : '';
    const users = query ? store.users.search(query) : [];
    res.json({ users: users.map((u) => userJson(u, origin())), next_page: null, previous_page: null, count: users.length });
  });

  r.get('/users', (req, res) => {
    requireAgent(caller(res));
    const { count } = store.users.list(0, 0);
    const p = offsetPage(req, self(req), count);
    const { rows } = store.users.list(p.offset, p.limit);
    res.json({ users: rows.map((u) => userJson(u, origin())), next_page: p.next_page, previous_page: p.previous_page, count });
  });

  r.post('/users', (req, res) => {
    requireAgent(caller(res));
    const input = ((req.body ?? {}) as { user?: Record<string, unknown> }).user ?? {};
    const role = input.role === undefined ? 'end-user' : input.role;
    if (!ROLES.includes(role as Role)) throw recordInvalid('role', `Role: ${String(role)} is not valid`);
    let organizationId: number | null = null;
    if (typeof input.organization_id === 'number') organizationId = input.organization_id;
    else if (input.organization && typeof (input.organization as { name?: unknown }).name === 'string') {
      organizationId = store.organizations.ensure((input.organization as { name: string }).name).id;
    }
    if (typeof input.email !== 'string' || !input.email.trim()) throw recordInvalid('email', 'Email: cannot be blank', 'BlankValue');
    const user = store.users.create({ name: typeof input.name === 'string' ? input.name : '', email: input.email, role: role as Role, organization_id: organizationId });
    res.status(201).json({ user: userJson(user, origin()) });
  });

  r.get('/users/:user_id', (req, res) => {
    const me = caller(res);
    const user = store.users.get(idParam(req, 'user_id'));
    if (!user) throw notFound();
    if (me.role === 'end-user' && me.id !== user.id) throw forbidden();
    res.json({ user: userJson(user, origin()) });
  });

  r.get('/organizations/search', (req, res) => {
    requireAdmin(ctx, caller(res));
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    const externalId = typeof req.query.external_id === 'string' ? req.query.external_id : undefined;
    const orgs = name !== undefined ? store.organizations.findByName(name) : externalId !== undefined ? store.organizations.findByExternalId(externalId) : [];
    res.json({ organizations: orgs.map((o) => organizationJson(o, origin())), next_page: null, previous_page: null, count: orgs.length });
  });

  // Agents: organizations whose name starts with `name` (at least 2 characters), offset-paginated.
  r.get('/organizations/autocomplete', (req, res) => {
    requireAgent(caller(res));
    const name = typeof req.query.name === 'string' ? req.query.name.trim() : '';
    if (name.length < 2) throw new SandboxApiError(400, { errors: [{ code: 'QueryError', title: 'Name must be at least 2 characters long' }] });
    const matches = store.organizations.findByNamePrefix(name, 1000);
    const p = offsetPage(req, self(req), matches.length);
    res.json({ organizations: matches.slice(p.offset, p.offset + p.limit).map((o) => organizationJson(o, origin())), next_page: p.next_page, previous_page: p.previous_page, count: matches.length });
  });

  r.get('/organizations', (req, res) => {
    requireAgent(caller(res));
    const { count } = store.organizations.list(0, 0);
    const p = offsetPage(req, self(req), count);
    const { rows } = store.organizations.list(p.offset, p.limit);
    res.json({ organizations: rows.map((o) => organizationJson(o, origin())), next_page: p.next_page, previous_page: p.previous_page, count });
  });

  r.post('/organizations', (req, res) => {
    requireAgent(caller(res));
    const input = ((req.body ?? {}) as { organization?: Record<string, unknown> }).organization ?? {};
    if (typeof input.name !== 'string') throw recordInvalid('name', 'Name: cannot be blank', 'BlankValue');
    const org = store.organizations.create({ name: input.name, external_id: typeof input.external_id === 'string' ? input.external_id : null });
    res.status(201).json({ organization: organizationJson(org, origin()) });
  });

  r.get('/organizations/:organization_id', (req, res) => {
    const me = caller(res);
    const org = store.organizations.get(idParam(req, 'organization_id'));
    if (!org) throw notFound();
    if (me.role === 'end-user' && me.organization_id !== org.id) throw forbidden();
    res.json({ organization: organizationJson(org, origin()) });
  });

  return r;
}
