import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskApi, ZendeskComment } from '../../src/ports/zendesk.js';
import { ZendeskApiError } from '../../src/ports/zendesk-api-error.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { type OasValidator, contractFile, recordedSandbox, type RecordedResponse } from './oas-validator.js';

const oasFile = contractFile('ZENDESK_OAS_FILE');

/**
 * Redaction as a real account allows it: `comment_redactions` needs Agent Workspace; without it the
 * sandbox refuses it as Zendesk does (403) and certdesk's client falls back to the legacy endpoints,
 * whose answers must have the file's shapes.
 */
describe.skipIf(!oasFile)("redaction against Zendesk's OpenAPI file", () => {
  let zd: TestSandbox;
  let oas: OasValidator;
  let client: ZendeskApi;
  let recorded: RecordedResponse[];

  beforeAll(async () => {
    ({ oas, zd, client, recorded } = await recordedSandbox(oasFile!, () => 'redaction-agent@northwind-traders.example'));
  });
  afterAll(() => zd?.close());

  /** A ticket whose second comment holds `secret` in its text and carries one attachment. */
  async function ticketWithSecret(secret: string): Promise<{ ticketId: number; comment: ZendeskComment }> {
    const upload = await client.uploadFile('server.key', 'application/octet-stream', Buffer.from('not really a key'));
    const ticket = await client.createTicket({ subject: 'Redaction', comment: { body: 'first' }, requesterId: zd.demo!.customer.id, priority: 'low' });
    await client.updateTicket(ticket.id, { comment: { body: `line one\n${secret}\nline three`, public: true, uploads: [upload.token] } });
    const comment = (await client.listComments(ticket.id)).at(-1)!;
    return { ticketId: ticket.id, comment };
  }

  const since = (n: number) => recorded.slice(n).map((r) => `${r.status} ${r.method} ${oas.templateOf(r.path) ?? r.path}`);

  it('uses comment_redactions on an account with Agent Workspace', async () => {
    zd.sandbox.account.agentWorkspace = true;
    const { ticketId, comment } = await ticketWithSecret('SECRET-ONE');
    const mark = recorded.length;
    await client.redactComment(ticketId, comment.id, {
      htmlBody: comment.html_body.replace('SECRET-ONE', '<redact>SECRET-ONE</redact>'),
      attachmentUrls: [comment.attachments[0]!.content_url],
    });
    expect(since(mark)).toEqual(['200 PUT /api/v2/comment_redactions/{ticket_comment_id}']);
    const after = (await client.listComments(ticketId)).at(-1)!;
    expect(after.body).toBe('line one\n▇▇▇▇▇▇▇▇▇▇\nline three');
    expect(after.attachments.map((a) => a.file_name)).toEqual(['redacted.txt']);
  });

  it("without Agent Workspace is refused with 403 and falls back to the legacy endpoints, in the file's shapes", async () => {
    zd.sandbox.account.agentWorkspace = false;
    try {
      const { ticketId, comment } = await ticketWithSecret('SECRET-TWO');
      const mark = recorded.length;
      await client.redactComment(ticketId, comment.id, {
        htmlBody: comment.html_body.replace('SECRET-TWO', '<redact>SECRET-TWO</redact>'),
        attachmentUrls: [comment.attachments[0]!.content_url],
      });
      expect(since(mark)).toEqual([
        '403 PUT /api/v2/comment_redactions/{ticket_comment_id}',
        '200 PUT /api/v2/tickets/{ticket_id}/comments/{ticket_comment_id}/redact',
        '200 GET /api/v2/tickets/{ticket_id}/comments',
        '200 PUT /api/v2/tickets/{ticket_id}/comments/{comment_id}/attachments/{attachment_id}/redact',
      ]);
      const refused = recorded[mark]!;
      expect(refused.body).toEqual({ error: 'Forbidden', description: expect.any(String) });
      for (const r of recorded.slice(mark + 1)) expect(oas.validateResponse(r.method, r.path, r.status, r.body).errors).toEqual([]);
      const textAnswer = recorded[mark + 1]!.body as { comment: { body: string } };
      expect(textAnswer.comment.body).toContain('▇▇▇▇▇▇▇▇▇▇');
      const fileAnswer = recorded[mark + 3]!.body as { attachment: { file_name: string; size: number } };
      expect(fileAnswer.attachment).toMatchObject({ file_name: 'redacted.txt', size: 0 });

      const after = (await client.listComments(ticketId)).at(-1)!;
      expect(after.body).toBe('line one\n▇▇▇▇▇▇▇▇▇▇\nline three');
      expect(after.html_body).not.toContain('SECRET-TWO');
      expect(after.attachments.map((a) => a.file_name)).toEqual(['redacted.txt']);
      // The old URL of the file no longer serves it.
      await expect(client.downloadAttachment(comment.attachments[0]!.content_url, 1000)).rejects.toBeInstanceOf(Error);
    } finally {
      zd.sandbox.account.agentWorkspace = true;
    }
  });

  it("without Agent Workspace, a closed ticket refuses both: the client says so with Zendesk's error", async () => {
    zd.sandbox.account.agentWorkspace = false;
    try {
      const { ticketId, comment } = await ticketWithSecret('SECRET-THREE');
      const agent = 'redaction-agent@northwind-traders.example';
      expect(
        (await zd.api('PUT', `/api/v2/tickets/${ticketId}`, { as: agent, body: { ticket: { status: 'closed', assignee_id: (await client.me()).id } } })).status,
      ).toBe(200);
      const error = await client
        .redactComment(ticketId, comment.id, { htmlBody: comment.html_body.replace('SECRET-THREE', '<redact>SECRET-THREE</redact>') })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ZendeskApiError);
      expect((error as ZendeskApiError).status).toBe(422);
      expect((await client.listComments(ticketId)).at(-1)!.body).toContain('SECRET-THREE');
    } finally {
      zd.sandbox.account.agentWorkspace = true;
    }
  });

  it('refuses the legacy text redaction without a text, as a RecordInvalid', async () => {
    const { ticketId, comment } = await ticketWithSecret('SECRET-FOUR');
    const res = await zd.api('PUT', `/api/v2/tickets/${ticketId}/comments/${comment.id}/redact.json`, {
      as: 'redaction-agent@northwind-traders.example',
      body: {},
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'RecordInvalid', details: { text: [expect.objectContaining({ error: 'BlankValue' })] } });
  });
});
