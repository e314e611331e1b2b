import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from '../../helpers/sandbox.js';

describe('the sandbox web page', () => {
  let zd: TestSandbox;
  let receiver: WebhookReceiver;
  let ticketId: number;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    receiver = await startWebhookReceiver();
    await zd.subscribe(receiver.url);
    const created = await zd.api('POST', '/api/v2/tickets', {
      as: zd.demo!.customer.email,
      body: { ticket: { subject: 'Renew <b>my.northwind-traders.example</b>', comment: { body: 'Hello <script>alert(1)</script> & thanks' } } },
    });
    ticketId = created.body.ticket.id;
    const upload = await zd.client.uploadFile('request.csr', 'application/pkcs10', Buffer.from('csr'));
    await zd.client.updateTicket(ticketId, {
      comment: { body: 'Agents: key generated', public: false, uploads: [upload.token] },
      status: 'pending',
      addTags: ['cert_renewal', 'cert_renewal_csr_sent'],
    });
    const [, note] = await zd.client.listComments(ticketId);
    await zd.client.redactComment(ticketId, note!.id, { htmlBody: note!.html_body.replace('key', '<redact>key</redact>') });
    await receiver.waitFor((r) => r.length >= 5);
    await zd.sandbox.webhooksIdle();
  });
  afterAll(async () => {
    await receiver.close();
    await zd.close();
  });

  it('lists the tickets, refreshing itself', async () => {
    const res = await fetch(`${zd.url}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<meta http-equiv="refresh"');
    expect(html).toContain(`href="/tickets/${ticketId}"`);
    expect(html).toContain('Renew &lt;b&gt;my.northwind-traders.example&lt;/b&gt;');
    expect(html).not.toContain('<b>my.northwind');
  });

  it('shows the conversation as an agent sees it, with escaped comment HTML', async () => {
    const html = await (await fetch(`${zd.url}/tickets/${ticketId}`)).text();
    expect(html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; thanks');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Pat Lee');
    expect(html).toContain('Public reply');
    expect(html).toContain('Internal note');
    expect(html).toContain('Agents: ▇▇▇ generated');
    expect(html).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/attachments\/token\/[^"]+\?name=request\.csr">request\.csr<\/a>/);
    expect(html).toContain('<span class="tag">cert_renewal_csr_sent</span>');
    expect(html).toMatch(/class="status">pending</);
  });

  it('shows a timeline with changes, the redaction and webhook deliveries', async () => {
    const html = await (await fetch(`${zd.url}/tickets/${ticketId}`)).text();
    expect(html).toContain('status new → pending');
    expect(html).toContain('tags added: cert_renewal, cert_renewal_csr_sent');
    expect(html).toMatch(/redacted comment \d+ \(text\)/);
    expect(html).toMatch(/ticket\.created → success \(1 attempt, invocation \d+\)/);
    expect(html).toMatch(/ticket\.comment_redacted → success/);
  });

  it('lets a person download an attachment from the page', async () => {
    const html = await (await fetch(`${zd.url}/tickets/${ticketId}`)).text();
    const href = /href="([^"]+name=request\.csr)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const res = await fetch(href);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('csr');
  });

  it('answers 404 for an unknown ticket', async () => {
    expect((await fetch(`${zd.url}/tickets/424242`)).status).toBe(404);
  });
});
