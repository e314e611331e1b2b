import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError } from '../../../src/lib/errors.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

describe('safe updates: a 409 conflict is re-read and re-applied', () => {
  let zd: TestSandbox;
  beforeAll(async () => {
    zd = await startTestSandbox();
  });
  afterAll(() => zd.close());

  it('keeps a tag an agent added after certdesk read the ticket', async () => {
    const created = await zd.client.createTicket({ subject: 'Race', comment: { body: 'x' }, tags: ['cert_renewal', 'cert_renewal_needs_info'] });
    const stale = await zd.client.getTicket(created.id);
    const agent = await zd.api('PUT', `/api/v2/tickets/${created.id}/tags`, { as: 'agent.smith@support.example', body: { tags: ['vip_customer'] } });
    expect(agent.status).toBe(200);

    const updated = await zd.client.updateTicket(
      created.id,
      { comment: { body: 'CSR attached', public: true }, status: 'pending', addTags: ['cert_renewal_csr_sent'], removeTags: ['cert_renewal_needs_info'] },
      stale,
    );
    expect(updated.tags).toEqual(['cert_renewal', 'vip_customer', 'cert_renewal_csr_sent']);
    const comments = await zd.client.listComments(created.id);
    expect(comments.filter((c) => c.body === 'CSR attached')).toHaveLength(1);
  });

  it("a stale updated_stamp is refused by the sandbox with Zendesk's UpdateConflict", async () => {
    const t = await zd.client.createTicket({ subject: 'Stamp', comment: { body: 'x' } });
    await zd.client.addTags(t.id, ['first']);
    const res = await zd.api('PUT', `/api/v2/tickets/${t.id}`, { body: { ticket: { status: 'open', safe_update: true, updated_stamp: t.updated_at } } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'UpdateConflict' });
  });

  it('gives every update a new updated_at, even within the same second', async () => {
    const t = await zd.client.createTicket({ subject: 'Stamps', comment: { body: 'x' } });
    const stamps = [t.updated_at];
    for (let i = 0; i < 5; i++) stamps.push((await zd.client.updateTicket(t.id, { addTags: [`t${i}`] })).updated_at);
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
    for (const s of stamps) expect(s).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('re-applies after injected 409s, posting the comment exactly once', async () => {
    const t = await zd.client.createTicket({ subject: 'Injected', comment: { body: 'x' } });
    zd.faults.failNext({ status: 409, method: 'PUT', path: `/api/v2/tickets/${t.id}`, count: 2 });
    const updated = await zd.client.updateTicket(t.id, { comment: { body: 'once', public: false }, status: 'pending' });
    expect(updated.status).toBe('pending');
    expect((await zd.client.listComments(t.id)).filter((c) => c.body === 'once')).toHaveLength(1);
  });

  it('gives up with a RetryableError when conflicts persist beyond the bound', async () => {
    const t = await zd.client.createTicket({ subject: 'Busy', comment: { body: 'x' } });
    const client = zd.clientFor(zd.sandbox.apiUser.email, { maxConflictRetries: 2 });
    zd.faults.failNext({ status: 409, method: 'PUT', path: `/api/v2/tickets/${t.id}`, count: 3 });
    const error = await client.updateTicket(t.id, { status: 'open' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/3 update conflicts/);
    expect((await client.getTicket(t.id)).status).toBe('new');
  });
});
