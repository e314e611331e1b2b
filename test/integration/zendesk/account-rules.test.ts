import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZendeskApiError } from '../../../src/ports/zendesk-api-error.js';
import { createWebhookAdmin } from '../../../src/adapters/zendesk/create-webhook-admin.js';
import { accountStatuses } from '../../../src/jobs/renewal/account-statuses.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { signZendeskPayload } from '../../../src/core/events/zendesk-signature.js';
import { startTestSandbox, startWebhookReceiver, type TestSandbox } from '../../helpers/sandbox.js';

/** The rules of a real account created today (the sandbox's defaults), over HTTP. */
let zd: TestSandbox;
beforeAll(async () => {
  zd = await startTestSandbox({ demoData: true });
});
afterAll(() => zd.close());

const newTicket = async () => {
  const res = await zd.api('POST', '/api/v2/tickets', { as: zd.demo!.customer.email, body: { ticket: { subject: 'Rules', comment: { body: 'hello' } } } });
  expect(res.status).toBe(201);
  return res.body.ticket.id as number;
};

describe('a sandbox account with the rules of a new Zendesk account', () => {
  it('refuses to solve a ticket without an assignee with 422 RecordInvalid, and loses the whole update, comment included', async () => {
    const id = await newTicket();
    const res = await zd.api('PUT', `/api/v2/tickets/${id}`, { body: { ticket: { status: 'solved', comment: { body: 'Solved it', public: true } } } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { assignee_id: [{ description: 'Assignee: is required when solving a ticket', error: 'BlankValue' }] },
    });
    const comments = (await zd.api('GET', `/api/v2/tickets/${id}/comments`)).body.comments as { body: string }[];
    expect(comments.map((c) => c.body)).toEqual(['hello']);
  });

  it('solves once an assignee is set in the same update, and keeps an agent already assigned', async () => {
    const agent = (await zd.api('GET', '/api/v2/users/me', { as: zd.demo!.agent.email })).body.user.id as number;
    const id = await newTicket();
    const solved = await zd.api('PUT', `/api/v2/tickets/${id}`, { body: { ticket: { status: 'solved', assignee_id: agent } } });
    expect(solved.status).toBe(200);
    expect(solved.body.ticket).toMatchObject({ status: 'solved', assignee_id: agent });
  });

  it('the client assigns only a ticket that has no assignee', async () => {
    const agent = (await zd.api('GET', '/api/v2/users/me', { as: zd.demo!.agent.email })).body.user.id as number;
    const other = (await zd.api('GET', '/api/v2/users/me', { as: 'second.agent@support.example' })).body.user.id as number;
    const id = await newTicket();
    await zd.api('PUT', `/api/v2/tickets/${id}`, { as: zd.demo!.agent.email, body: { ticket: { assignee_id: other } } });
    const updated = await zd.client.updateTicket(id, { comment: { body: 'done', public: true }, status: 'solved', assignIfUnassigned: { assigneeId: agent } });
    expect(updated).toMatchObject({ status: 'solved', assignee_id: other });
    const fresh = await newTicket();
    expect(await zd.client.updateTicket(fresh, { status: 'solved', assignIfUnassigned: { assigneeId: agent } })).toMatchObject({
      status: 'solved',
      assignee_id: agent,
    });
  });

  it('refuses the On-hold status while it is off, and accepts it once PUT /sandbox/settings turns it on', async () => {
    const id = await newTicket();
    const refused = await zd.client.updateTicket(id, { comment: { body: 'holding', public: false }, status: 'hold' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ZendeskApiError);
    expect((refused as ZendeskApiError).status).toBe(422);
    expect((refused as ZendeskApiError).body.details).toHaveProperty('status');
    expect(await zd.client.getAccountSettings()).toEqual({ onHold: false, agentWorkspace: true });

    const put = await fetch(`${zd.url}/sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ onHold: true }),
    });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { settings: { onHold: boolean } }).settings.onHold).toBe(true);
    try {
      expect(await zd.client.getAccountSettings()).toEqual({ onHold: true, agentWorkspace: true });
      expect((await zd.client.updateTicket(id, { status: 'hold' })).status).toBe('hold');
    } finally {
      zd.sandbox.account.onHold = false;
    }
  });

  it('refuses organizations/search to agents (admins only) and finds organizations by name through autocomplete', async () => {
    const search = await zd.api('GET', '/api/v2/organizations/search?name=Northwind%20Traders');
    expect(search.status).toBe(403);
    const admin = await zd.api('POST', '/api/v2/users', { body: { user: { name: 'Ada Admin', email: 'ada.admin@support.example', role: 'admin' } } });
    expect(admin.status).toBe(201);
    expect((await zd.api('GET', '/api/v2/organizations/search?name=Northwind%20Traders', { as: 'ada.admin@support.example' })).status).toBe(200);

    expect(await zd.client.findOrganizationsByName('northwind traders')).toEqual([
      expect.objectContaining({ id: zd.demo!.organization.id, name: 'Northwind Traders' }),
    ]);
    expect(await zd.client.findOrganizationsByName('Northwind')).toEqual([]);
    const prefix = await zd.api('GET', '/api/v2/organizations/autocomplete?name=north');
    expect(prefix.status).toBe(200);
    expect(prefix.body.organizations.map((o: { name: string }) => o.name)).toContain('Northwind Traders');
    expect((await zd.api('GET', '/api/v2/organizations/autocomplete?name=n')).status).toBe(400);
    expect((await zd.api('GET', '/api/v2/organizations/autocomplete?name=north', { as: zd.demo!.customer.email })).status).toBe(403);
  });

  it('GET /sandbox/settings shows the rules; a PUT with an unknown key or a wrong type is a 400 that changes nothing', async () => {
    const before = (await (await fetch(`${zd.url}/sandbox/settings`)).json()) as { settings: Record<string, unknown> };
    expect(before.settings).toMatchObject({ solveNeedsAssignee: true, onHold: false, agentWorkspace: true, adminOnlyEndpoints: true });
    for (const body of [{ onHold: true, onHld: true }, { solveNeedsAssignee: 'no' }, [1]]) {
      const res = await fetch(`${zd.url}/sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('InvalidSandboxSettings');
    }
    expect(zd.sandbox.account.onHold).toBe(false);
    expect(zd.sandbox.account.solveNeedsAssignee).toBe(true);
  });

  it("never shows an OAuth client's secret in /sandbox/settings", async () => {
    const put = await fetch(`${zd.url}/sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ oauthClients: { ...zd.sandbox.account.oauthClients, shown: { secret: 'very-secret-value', userEmail: 'ops@support.example' } } }),
    });
    expect(put.status).toBe(200);
    const text = await (await fetch(`${zd.url}/sandbox/settings`)).text();
    expect(text).not.toContain('very-secret-value');
    expect(JSON.parse(text).settings.oauthClients.shown).toEqual({ secret: '(set)', userEmail: 'ops@support.example' });
    expect(zd.sandbox.account.oauthClients.shown?.secret).toBe('very-secret-value');
  });

  it("GET /sandbox/stats counts the /api/v2 calls of certdesk's API user only", async () => {
    const stats = async () => ((await (await fetch(`${zd.url}/sandbox/stats`)).json()) as { apiCalls: number }).apiCalls;
    const start = await stats();
    await zd.client.me();
    await zd.client.getOrganization(zd.demo!.organization.id);
    await zd.api('GET', '/api/v2/users/me', { as: zd.demo!.agent.email });
    await zd.api('GET', '/api/v2/users/me', { as: null });
    expect(await stats()).toBe(start + 2);
    expect(zd.sandbox.stats.apiCalls).toBe(start + 2);
  });

  it("answers Zendesk's webhook test call with what the endpoint said, sending the existing webhook's secret, authentication and headers", async () => {
    const receiver = await startWebhookReceiver((_h, i) => (i === 0 ? 200 : 401));
    try {
      const created = await zd.api('POST', '/api/v2/webhooks', {
        body: {
          webhook: {
            name: 'tested',
            endpoint: receiver.url,
            http_method: 'POST',
            request_format: 'json',
            status: 'active',
            subscriptions: ['zen:event-type:ticket.created'],
            authentication: { type: 'bearer_token', data: { token: 'tok' }, add_position: 'header' },
            custom_headers: { 'x-team': 'certs' },
          },
        },
      });
      const id = created.body.webhook.id as string;
      const secret = (await zd.api('GET', `/api/v2/webhooks/${id}/signing_secret`)).body.signing_secret.secret as string;
      const admin = createWebhookAdmin({ baseUrl: zd.url, auth: { email: 'admin@support.example', apiToken: 'x' } });
      expect(await admin.testWebhook(id, receiver.url)).toMatchObject({ status: 'success', responseCode: 200 });
      const sent = receiver.received[0]!;
      expect(sent.headers).toMatchObject({ authorization: 'Bearer tok', 'x-team': 'certs', 'x-zendesk-webhook-id': id });
      expect(sent.headers['x-zendesk-webhook-signature']).toBe(
        signZendeskPayload(secret, String(sent.headers['x-zendesk-webhook-signature-timestamp']), sent.rawBody),
      );
      expect(sent.body).toMatchObject({ message: expect.stringContaining('test request') });
      expect(sent.body).not.toHaveProperty('type');
      expect(await admin.testWebhook(id, receiver.url)).toMatchObject({ status: 'failed', responseCode: 401 });
    } finally {
      await receiver.close();
    }
  });

  it("resolves certdesk's statuses from the account's settings, once, and again after refresh()", async () => {
    const statuses = accountStatuses(zd.client, {}, silentLogger());
    expect(await statuses.forState('installing')).toBe('open');
    zd.sandbox.account.onHold = true;
    try {
      expect(await statuses.forState('installing')).toBe('open');
      statuses.refresh();
      expect(await statuses.forState('installing')).toBe('hold');
      expect(await statuses.forState('installed')).toBe('solved');
    } finally {
      zd.sandbox.account.onHold = false;
    }
    // A user who may not read the settings (403) gets the statuses every account has.
    const asCustomer = accountStatuses(zd.clientFor(zd.demo!.customer.email), { needs_review: 'pending' }, silentLogger());
    expect(await asCustomer.forState('installing')).toBe('open');
    expect(await asCustomer.forState('needs_review')).toBe('pending');
  });
});
