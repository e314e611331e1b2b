import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

describe('the sandbox API, as a customer and an agent drive it', () => {
  let zd: TestSandbox;
  let pat: string;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    pat = zd.demo!.customer.email;
  });
  afterAll(() => zd.close());

  it('answers the same paths with and without .json', async () => {
    const a = await zd.api('GET', '/api/v2/users/me.json');
    const b = await zd.api('GET', '/api/v2/users/me');
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
  });

  it('refuses requests without credentials with 401', async () => {
    const res = await zd.api('GET', '/api/v2/tickets.json', { as: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Couldn't authenticate you" });
  });

  it('turns an unknown email into a new agent who may create users and organizations', async () => {
    const newcomer = 'new.agent@support.example';
    const me = await zd.api('GET', '/api/v2/users/me', { as: newcomer });
    expect(me.body.user).toMatchObject({ email: newcomer, role: 'agent' });
    const org = await zd.api('POST', '/api/v2/organizations', { as: newcomer, body: { organization: { name: 'Fabrikam Foods' } } });
    expect(org.status).toBe(201);
    const user = await zd.api('POST', '/api/v2/users', {
      as: newcomer,
      body: { user: { name: 'Lee Chan', email: 'lee@fabrikam-foods.example', organization_id: org.body.organization.id } },
    });
    expect(user.status).toBe(201);
    expect(user.body.user).toMatchObject({ role: 'end-user', organization_id: org.body.organization.id });
  });

  it('does not let an end user create users or list all tickets', async () => {
    expect((await zd.api('POST', '/api/v2/users', { as: pat, body: { user: { name: 'x', email: 'x@y.example' } } })).status).toBe(403);
    expect((await zd.api('GET', '/api/v2/tickets', { as: pat })).status).toBe(403);
  });

  it('lets a customer open a ticket: submitter and author are the customer, organization from the customer', async () => {
    const res = await zd.api('POST', '/api/v2/tickets', {
      as: pat,
      body: { ticket: { subject: 'Renewal', comment: { body: 'Site URL: my.northwind-traders.example' }, priority: 'low' } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${zd.url}/api/v2/tickets/${res.body.ticket.id}.json`);
    expect(res.body.ticket).toMatchObject({
      requester_id: zd.demo!.customer.id,
      submitter_id: zd.demo!.customer.id,
      organization_id: zd.demo!.organization.id,
      description: 'Site URL: my.northwind-traders.example',
    });
    const comments = await zd.client.listComments(res.body.ticket.id);
    expect(comments).toEqual([expect.objectContaining({ author_id: zd.demo!.customer.id, public: true })]);
    const mine = await zd.api('GET', `/api/v2/users/${zd.demo!.customer.id}/tickets/requested`, { as: pat });
    expect(mine.body.tickets.map((t: { id: number }) => t.id)).toContain(res.body.ticket.id);
    const someoneElses = await zd.api('GET', `/api/v2/users/${zd.demo!.otherCustomer.id}/tickets/requested`, { as: pat });
    expect(someoneElses.status).toBe(403);
  });

  it('lets an agent create a ticket for a requester given by email, with another submitter', async () => {
    const res = await zd.api('POST', '/api/v2/tickets', {
      body: {
        ticket: {
          subject: 'By phone',
          comment: { body: 'Customer called' },
          requester: { name: 'Kim Bo', email: 'kim.bo@wingtip-cycles.example' },
          submitter_id: zd.demo!.agent.id,
        },
      },
    });
    expect(res.status).toBe(201);
    const requester = await zd.client.getUser(res.body.ticket.requester_id);
    expect(requester).toMatchObject({ email: 'kim.bo@wingtip-cycles.example', role: 'end-user' });
    expect((await zd.client.listComments(res.body.ticket.id))[0]!.author_id).toBe(zd.demo!.agent.id);
  });

  it('reopens a pending ticket when the requester replies, and opens a new one when an agent replies', async () => {
    const created = await zd.api('POST', '/api/v2/tickets', { as: pat, body: { ticket: { subject: 'Reply', comment: { body: 'hi' } } } });
    const id = created.body.ticket.id as number;
    const agentReply = await zd.client.updateTicket(id, { comment: { body: 'please send the form', public: true } });
    expect(agentReply.status).toBe('open');
    await zd.client.updateTicket(id, { status: 'pending' });
    const customerReply = await zd.api('PUT', `/api/v2/tickets/${id}`, { as: pat, body: { ticket: { comment: { body: 'here it is', public: false } } } });
    expect(customerReply.status).toBe(200);
    expect(customerReply.body.ticket.status).toBe('open');
    const comments = await zd.client.listComments(id);
    expect(comments[2]).toMatchObject({ author_id: zd.demo!.customer.id, public: true });
  });

  it('keeps the initial visibility for a comment that omits `public`', async () => {
    const t = await zd.api('POST', '/api/v2/tickets', { body: { ticket: { subject: 'Private start', comment: { body: 'internal', public: false } } } });
    await zd.api('PUT', `/api/v2/tickets/${t.body.ticket.id}`, { body: { ticket: { comment: { body: 'no public flag' } } } });
    const comments = await zd.client.listComments(t.body.ticket.id);
    expect(comments.map((c) => c.public)).toEqual([false, false]);
  });

  it('derives body, html_body and plain_body from each other', async () => {
    const t = await zd.api('POST', '/api/v2/tickets', {
      body: { ticket: { subject: 'Derive', comment: { html_body: '<p>Line &amp; one<br>two</p><p>Para</p>' } } },
    });
    const [c] = await zd.client.listComments(t.body.ticket.id);
    expect(c!.body).toBe('Line & one\ntwo\n\nPara');
    expect(c!.plain_body).toBe(c!.body);
    await zd.api('PUT', `/api/v2/tickets/${t.body.ticket.id}`, { body: { ticket: { comment: { body: 'a <tag> & more\n\nnext', public: true } } } });
    const [, d] = await zd.client.listComments(t.body.ticket.id);
    expect(d!.html_body).toBe('<div class="zd-comment" dir="auto"><p>a &lt;tag&gt; &amp; more</p><p>next</p></div>');
  });

  it('refuses updates to a closed ticket with 422', async () => {
    const t = await zd.client.createTicket({ subject: 'Closed', comment: { body: 'x' } });
    await zd.client.updateTicket(t.id, { status: 'closed' });
    await expect(zd.client.updateTicket(t.id, { comment: { body: 'late', public: true } })).rejects.toMatchObject({ status: 422 });
  });

  it('replaces tags with POST and answers 201, as Zendesk does', async () => {
    const t = await zd.client.createTicket({ subject: 'Replace', comment: { body: 'x' }, tags: ['a', 'b'] });
    const res = await zd.api('POST', `/api/v2/tickets/${t.id}/tags`, { body: { tags: ['C', 'd e'] } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ tags: ['c', 'd', 'e'] });
    expect((await zd.api('GET', `/api/v2/tickets/${t.id}/tags.json`)).body).toEqual({ tags: ['c', 'd', 'e'] });
  });

  it('pages tickets with offsets and with cursors', async () => {
    for (let i = 0; i < 3; i++) await zd.client.createTicket({ subject: `page ${i}`, comment: { body: 'x' } });
    const offset = await zd.api('GET', '/api/v2/tickets.json?per_page=2');
    expect(offset.body.tickets).toHaveLength(2);
    expect(offset.body.count).toBeGreaterThan(2);
    expect(offset.body.next_page).toContain('page=2');
    const cursor = await zd.api('GET', '/api/v2/tickets.json?page[size]=2');
    expect(cursor.body.meta.has_more).toBe(true);
    const next = await zd.api('GET', cursor.body.links.next);
    expect(next.body.tickets[0].id).toBeGreaterThan(cursor.body.tickets[1].id);
  });

  it('rejects an upload token that does not exist', async () => {
    const t = await zd.client.createTicket({ subject: 'Bad upload', comment: { body: 'x' } });
    await expect(zd.client.updateTicket(t.id, { comment: { body: 'x', public: true, uploads: ['nope'] } })).rejects.toMatchObject({ status: 422 });
  });

  it('takes fault settings over HTTP for the demo', async () => {
    const set = await fetch(`${zd.url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 5, errors: [{ status: 503, rate: 1, path: '/api/v2/users/me', retryAfterSeconds: 4 }] }),
    });
    expect(set.status).toBe(200);
    const faulty = await zd.api('GET', '/api/v2/users/me');
    expect(faulty.status).toBe(503);
    expect(faulty.headers.get('retry-after')).toBe('4');
    expect(faulty.headers.get('content-type')).toMatch(/^text\/plain/);
    const bad = await fetch(`${zd.url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errors: [{ status: 503, rate: 2 }] }),
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${zd.url}/sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await zd.api('GET', '/api/v2/users/me')).status).toBe(200);
    const next = await fetch(`${zd.url}/sandbox/faults/fail-next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 500, count: 2 }),
    });
    expect(next.status).toBe(201);
    expect([
      (await zd.api('GET', '/api/v2/users/me')).status,
      (await zd.api('GET', '/api/v2/users/me')).status,
      (await zd.api('GET', '/api/v2/users/me')).status,
    ]).toEqual([500, 500, 200]);
  });
});

describe('sandbox demo data', () => {
  it('uses its own names, never acme.test, and is not duplicated by a restart on the same directory', async () => {
    const first = await startTestSandbox({ demoData: true });
    const demo = first.demo!;
    await first.close({ keepDataDir: true });
    const second = await startTestSandbox({ demoData: true, dataDir: first.dataDir });
    try {
      expect(second.demo).toEqual(demo);
      expect(JSON.stringify(demo)).not.toMatch(/acme/i);
      expect(demo.registry[0]).toEqual({
        domain: 'my.northwind-traders.example',
        organizationId: demo.organization.id,
        organizationName: 'Northwind Traders',
        contacts: ['pat.lee@northwind-traders.example'],
      });
      expect(demo.customer).toMatchObject({ email: 'pat.lee@northwind-traders.example' });
      const orgs = await second.api('GET', '/api/v2/organizations/autocomplete?name=Northwind%20Traders');
      expect(orgs.body.organizations).toHaveLength(1);
      expect((await second.api('GET', '/api/v2/users/search?query=email:pat.lee@northwind-traders.example')).body.users).toHaveLength(1);
      expect(second.sandbox.accountId).toBe(first.sandbox.accountId);
    } finally {
      await second.close();
      const { rmSync } = await import('node:fs');
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
