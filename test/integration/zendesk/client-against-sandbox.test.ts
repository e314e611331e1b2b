import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZendeskApiError } from '../../../src/ports/zendesk-api-error.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

describe('the Zendesk client against the sandbox', () => {
  let zd: TestSandbox;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
  });
  afterAll(() => zd.close());

  it('knows its own API user', async () => {
    const me = await zd.client.me();
    expect(me).toMatchObject({ id: zd.sandbox.apiUser.id, email: 'certdesk@sandbox.invalid', role: 'agent' });
  });

  it("creates a ticket whose organization is its requester's and reads it back", async () => {
    const created = await zd.client.createTicket({
      subject: 'Certificate renewal for my.northwind-traders.example',
      comment: { body: 'Please renew.', public: true },
      requesterId: zd.demo!.customer.id,
      priority: 'low',
      tags: ['cert_renewal'],
    });
    const read = await zd.client.getTicket(created.id);
    expect(read).toMatchObject({
      id: created.id,
      status: 'new',
      priority: 'low',
      tags: ['cert_renewal'],
      requester_id: zd.demo!.customer.id,
      organization_id: zd.demo!.organization.id,
      description: 'Please renew.',
      assignee_id: null,
    });
  });

  it('reads every comment of a ticket with more than 250 comments, oldest first', async () => {
    const ticket = await zd.client.createTicket({ subject: 'Long thread', comment: { body: 'comment 0' } });
    for (let i = 1; i <= 260; i++) {
      const res = await zd.api('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { comment: { body: `comment ${i}`, public: i % 2 === 0 } } } });
      expect(res.status).toBe(200);
    }
    const comments = await zd.client.listComments(ticket.id);
    expect(comments).toHaveLength(261);
    expect(comments.map((c) => c.body)).toEqual(Array.from({ length: 261 }, (_, i) => `comment ${i}`));
    expect(new Set(comments.map((c) => c.id)).size).toBe(261);
    expect(comments[3]!.public).toBe(false);
  });

  it('reads comments with their authors side-loaded (include=users), each author once', async () => {
    const ticket = await zd.client.createTicket({
      subject: 'Who wrote what',
      comment: { body: 'from the customer' },
      requesterId: zd.demo!.customer.id,
      submitterId: zd.demo!.customer.id,
    });
    await zd.client.updateTicket(ticket.id, { comment: { body: 'agent reply', public: true } });
    await zd.client.updateTicket(ticket.id, { comment: { body: 'customer again', public: true, authorId: zd.demo!.customer.id } });
    const { comments, users } = await zd.client.listCommentsWithAuthors(ticket.id);
    expect(comments.map((c) => c.author_id)).toEqual([zd.demo!.customer.id, zd.sandbox.apiUser.id, zd.demo!.customer.id]);
    expect(users.map((u) => [u.id, u.role]).sort()).toEqual(
      [
        [zd.demo!.customer.id, 'end-user'],
        [zd.sandbox.apiUser.id, 'agent'],
      ].sort(),
    );
  });

  it('posts a comment, a status and tag changes in one update', async () => {
    const ticket = await zd.client.createTicket({ subject: 'One update', comment: { body: 'hi' }, tags: ['keep', 'cert_renewal_needs_info'] });
    const updated = await zd.client.updateTicket(ticket.id, {
      comment: { htmlBody: '<p>Thanks, <strong>here is your CSR</strong></p>', public: true },
      status: 'pending',
      addTags: ['cert_renewal', 'cert_renewal_csr_sent'],
      removeTags: ['cert_renewal_needs_info'],
    });
    expect(updated.status).toBe('pending');
    expect(updated.tags).toEqual(['keep', 'cert_renewal', 'cert_renewal_csr_sent']);
    const comments = await zd.client.listComments(ticket.id);
    expect(comments).toHaveLength(2);
    expect(comments[1]).toMatchObject({ public: true, body: 'Thanks, here is your CSR', author_id: zd.sandbox.apiUser.id });
    expect(comments[1]!.html_body).toContain('<strong>here is your CSR</strong>');
  });

  it('sends `public: false` explicitly so an internal note stays internal on a public ticket', async () => {
    const ticket = await zd.client.createTicket({ subject: 'Note', comment: { body: 'public start', public: true }, requesterId: zd.demo!.customer.id });
    await zd.client.updateTicket(ticket.id, { comment: { body: 'agents only', public: false } });
    const comments = await zd.client.listComments(ticket.id);
    expect(comments.map((c) => c.public)).toEqual([true, false]);
    const asCustomer = await zd.api('GET', `/api/v2/tickets/${ticket.id}/comments.json`, { as: zd.demo!.customer.email });
    expect(asCustomer.body.comments.map((c: { body: string }) => c.body)).toEqual(['public start']);
  });

  it('comments on behalf of a user with author_id', async () => {
    const ticket = await zd.client.createTicket({ subject: 'On behalf', comment: { body: 'start' }, requesterId: zd.demo!.customer.id });
    await zd.client.updateTicket(ticket.id, { comment: { body: 'from the customer', public: true, authorId: zd.demo!.customer.id } });
    const comments = await zd.client.listComments(ticket.id);
    expect(comments[1]!.author_id).toBe(zd.demo!.customer.id);
  });

  it('adds and removes tags with the tag endpoints', async () => {
    const ticket = await zd.client.createTicket({ subject: 'Tags', comment: { body: 'x' }, tags: ['a'] });
    expect(await zd.client.addTags(ticket.id, ['cert_renewal_approve', 'b'])).toEqual(['a', 'cert_renewal_approve', 'b']);
    await zd.client.removeTags(ticket.id, ['cert_renewal_approve']);
    expect((await zd.client.getTicket(ticket.id)).tags).toEqual(['a', 'b']);
  });

  it('finds users by email and organizations by name, exactly and case-insensitively', async () => {
    expect(await zd.client.findUserByEmail('PAT.LEE@northwind-traders.example')).toMatchObject({ id: zd.demo!.customer.id, role: 'end-user' });
    expect(await zd.client.findUserByEmail('nobody@northwind-traders.example')).toBeNull();
    expect(await zd.client.findOrganizationsByName('northwind traders')).toEqual([
      expect.objectContaining({ id: zd.demo!.organization.id, name: 'Northwind Traders' }),
    ]);
    expect(await zd.client.findOrganizationsByName('Northwind')).toEqual([]);
  });

  it('shows users and organizations by id', async () => {
    expect(await zd.client.getUser(zd.demo!.customer.id)).toMatchObject({
      email: 'pat.lee@northwind-traders.example',
      organization_id: zd.demo!.organization.id,
    });
    expect(await zd.client.getOrganization(zd.demo!.organization.id)).toMatchObject({ name: 'Northwind Traders' });
  });

  it("creates an end user, and reports a duplicate email as Zendesk's 422 RecordInvalid", async () => {
    const user = await zd.client.createUser({ name: 'Jo Park', email: 'jo.park@northwind-traders.example', organizationId: zd.demo!.organization.id });
    expect(user).toMatchObject({ role: 'end-user', organization_id: zd.demo!.organization.id });
    const error = await zd.client.createUser({ name: 'Jo Again', email: 'JO.PARK@northwind-traders.example' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZendeskApiError);
    expect(error).toMatchObject({ status: 422, body: { code: 'RecordInvalid', details: { email: [expect.objectContaining({ error: 'DuplicateValue' })] } } });
  });

  it('replays a ticket creation with the same Idempotency-Key instead of creating a second ticket', async () => {
    const input = { subject: 'Idempotent', comment: { body: 'once' } };
    const first = await zd.client.createTicket(input, 'renewal-42-create');
    const again = await zd.client.createTicket(input, 'renewal-42-create');
    expect(again.id).toBe(first.id);
    const error = await zd.client.createTicket({ ...input, subject: 'Different' }, 'renewal-42-create').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, body: { code: 'IdempotentRequestError' } });
  });

  it("reports a missing ticket as a non-retryable 404 with Zendesk's error body", async () => {
    const error = await zd.client.getTicket(999_999).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZendeskApiError);
    expect(error).toMatchObject({ status: 404, retryable: false, body: { code: 'RecordNotFound', description: 'Not found' } });
  });

  it('redacts the marked text of a comment', async () => {
    const ticket = await zd.client.createTicket({ subject: 'Oops', comment: { body: 'start' } });
    await zd.client.updateTicket(ticket.id, { comment: { body: 'my key is SECRET123 ok', public: true }, status: 'open' });
    const [, comment] = await zd.client.listComments(ticket.id);
    await zd.client.redactComment(ticket.id, comment!.id, { htmlBody: comment!.html_body.replace('SECRET123', '<redact>SECRET123</redact>') });
    const [, after] = await zd.client.listComments(ticket.id);
    expect(after!.body).toBe('my key is ▇▇▇▇▇▇▇▇▇ ok');
    expect(after!.html_body).not.toContain('SECRET123');
  });
});
