import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskApi, ZendeskTicket } from '../../src/ports/zendesk.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { OasValidator, contractFile, recordingFetch, type RecordedResponse } from './oas-validator.js';

const oasFile = contractFile('ZENDESK_OAS_FILE');

/** The JSON request bodies the client sent, by method and path. */
interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

/**
 * The calls proactive renewals add (issue 15): a ticket created for a customer with the owning
 * organization and the other contacts as email CCs, and an update raising the priority. The
 * client's requests are checked against the file's request schemas, the sandbox's answers against
 * its response schemas, and the sandbox must keep the CCs as Zendesk does (`email_cc_ids`).
 */
describe.skipIf(!oasFile)("proactive renewal calls against Zendesk's OpenAPI file", () => {
  let zd: TestSandbox;
  let oas: OasValidator;
  let client: ZendeskApi;
  let recorded: RecordedResponse[];
  const sent: SentRequest[] = [];
  let ticket: ZendeskTicket;

  beforeAll(async () => {
    oas = new OasValidator(oasFile!);
    zd = await startTestSandbox({ demoData: true });
    const recorder = recordingFetch();
    recorded = recorder.responses;
    const capture: typeof fetch = async (input, init) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
      if (typeof init?.body === 'string' && url.pathname.startsWith('/api/v2/tickets'))
        sent.push({ method: (init.method ?? 'GET').toUpperCase(), path: url.pathname, body: JSON.parse(init.body) });
      return recorder.fetch(input, init);
    };
    client = zd.clientFor(zd.sandbox.apiUser.email, { fetch: capture });
    const demo = zd.demo!;
    ticket = await client.createTicket(
      {
        subject: 'Renewal of the TLS certificate for my.northwind-traders.example',
        comment: { body: 'The TLS certificate expires soon; we have started its renewal.', public: true },
        requesterId: demo.customer.id,
        priority: 'low',
        tags: ['cert_renewal', 'cert_renewal_proactive'],
        organizationId: demo.organization.id,
        emailCcs: [{ email: 'it@northwind-traders.example' }, { email: demo.agent.email, name: demo.agent.name }],
      },
      'contract-proactive-1',
    );
    ticket = await client.updateTicket(ticket.id, { comment: { body: 'A reminder.', public: true }, priority: 'normal' });
  });
  afterAll(() => zd?.close());

  it('sends a ticket creation and an update the file accepts', () => {
    const create = sent.find((r) => r.method === 'POST')!;
    const update = sent.find((r) => r.method === 'PUT')!;
    expect(create.body).toMatchObject({
      ticket: {
        organization_id: zd.demo!.organization.id,
        email_ccs: [
          { user_email: 'it@northwind-traders.example', action: 'put' },
          { user_email: zd.demo!.agent.email, user_name: zd.demo!.agent.name, action: 'put' },
        ],
      },
    });
    expect(update.body).toMatchObject({ ticket: { priority: 'normal' } });
    expect(oas.validateSchema('TicketCreateRequest', create.body)).toEqual([]);
    expect(oas.validateSchema('TicketUpdateRequest', update.body)).toEqual([]);
  });

  it('is not vacuous: email_ccs given as one object instead of a list is caught', () => {
    const create = structuredClone(sent.find((r) => r.method === 'POST')!.body) as { ticket: Record<string, unknown> };
    create.ticket.email_ccs = { user_email: 'it@northwind-traders.example', action: 'put' };
    expect(oas.validateSchema('TicketCreateRequest', create).map((e) => e.instancePath)).toContain('/ticket/email_ccs');
  });

  it("answers with the file's response shapes, the CCs kept as email_cc_ids and the priority raised", async () => {
    const failures = recorded
      .filter((r) => r.status < 300 && r.body !== undefined)
      .map((r) => oas.validateResponse(r.method, r.path, r.status, r.body))
      .filter((v) => v.errors.length);
    expect(failures).toEqual([]);
    const res = await zd.api('GET', `/api/v2/tickets/${ticket.id}.json`);
    expect(oas.validateResponse('GET', `/api/v2/tickets/${ticket.id}`, 200, res.body).errors).toEqual([]);
    const shown = (res.body as { ticket: { email_cc_ids: number[]; collaborator_ids: number[]; priority: string; organization_id: number } }).ticket;
    const cc = (await zd.api('GET', `/api/v2/users/search.json?query=${encodeURIComponent('email:it@northwind-traders.example')}`)).body as {
      users: { id: number; role: string }[];
    };
    expect(cc.users).toHaveLength(1);
    expect(cc.users[0]!.role).toBe('end-user');
    expect(shown.email_cc_ids).toEqual([zd.demo!.agent.id, cc.users[0]!.id].sort((a, b) => a - b));
    expect(shown.collaborator_ids).toEqual(shown.email_cc_ids);
    expect(shown.priority).toBe('normal');
    expect(shown.organization_id).toBe(zd.demo!.organization.id);
  });

  it("refuses an email CC it cannot act on with a 422 in Zendesk's error shape", async () => {
    const res = await zd.api('POST', '/api/v2/tickets.json', {
      body: { ticket: { subject: 'x', comment: { body: 'x' }, email_ccs: [{ user_email: 'it@northwind-traders.example', action: 'add' }] } },
    });
    expect(res.status).toBe(422);
    expect((res.body as { details: Record<string, unknown> }).details).toHaveProperty('email_ccs');
  });
});
