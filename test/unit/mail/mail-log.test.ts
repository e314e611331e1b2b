import { describe, expect, it } from 'vitest';
import { acceptInboundMessage } from '../../../src/intake/accept-inbound-message.js';
import { enqueueNotification } from '../../../src/jobs/mail/enqueue-notification.js';
import { storesClosedAfterEach } from '../../helpers/test-store.js';
import { INBOUND_EMAIL_JOB, SEND_MAIL_JOB } from '../../../src/jobs/job-kinds.js';

const raw = (id: string) => Buffer.from(`From: Pat <pat@x.example>\r\nMessage-ID: <${id}>\r\nSubject: hi\r\n\r\nhello\r\n`);

const openStore = storesClosedAfterEach();

describe('the mail log', () => {
  it('accepts a message once: its Message-ID recorded and its job enqueued together', async () => {
    const store = await openStore();
    const first = await acceptInboundMessage(store, raw('One@X.example'), 'http', 1000);
    expect(first).toMatchObject({ status: 'accepted', dedupKey: 'mid:one@x.example', messageId: 'one@x.example' });
    const again = await acceptInboundMessage(store, raw('one@x.example'), 'smtp', 2000);
    expect(again).toEqual({ status: 'duplicate', dedupKey: 'mid:one@x.example', messageId: 'one@x.example' });
    const jobs = await store.jobs.list({ kind: INBOUND_EMAIL_JOB });
    expect(jobs.map((j) => j.payload)).toEqual([{ dedupKey: 'mid:one@x.example' }]);
    expect(await store.mail.getInbound('mid:one@x.example')).toMatchObject({
      source: 'http',
      sender: 'pat@x.example',
      state: 'queued',
      raw: raw('One@X.example'),
    });
  });

  it('stores nothing for a message it refuses', async () => {
    const store = await openStore();
    expect(await acceptInboundMessage(store, Buffer.from('no headers here\r\n'), 'http', 1)).toMatchObject({ status: 'rejected' });
    expect(await store.jobs.list()).toEqual([]);
    // Nothing that a purge of everything could find either.
    expect(await store.mail.purgeInbound(Number.MAX_SAFE_INTEGER)).toBe(0);
  });

  it('erases the raw bytes once the message is handled, and remembers the outcome', async () => {
    const store = await openStore();
    await acceptInboundMessage(store, raw('a@x'), 'http', 1);
    await store.mail.savePlan('mid:a@x', { generation: 1 });
    expect((await store.mail.getInbound('mid:a@x'))!.plan).toEqual({ generation: 1 });
    await store.mail.finishInbound('mid:a@x', { outcome: 'ticket_created', ticketId: 7 }, 2);
    expect(await store.mail.getInbound('mid:a@x')).toMatchObject({ state: 'done', raw: null, plan: null, outcome: 'ticket_created', ticketId: 7 });
    expect(await store.mail.purgeInbound(2)).toBe(1);
    expect(await store.mail.getInbound('mid:a@x')).toBeNull();
  });

  it('erases the raw bytes when the message’s job dies', async () => {
    const store = await openStore();
    await acceptInboundMessage(store, raw('dies@x'), 'smtp', 1);
    const job = (await store.jobs.claim('w', 1, 1000))!;
    expect(job.kind).toBe(INBOUND_EMAIL_JOB);
    expect(await store.jobs.fail(job.id, 'w', 2, { error: 'unparseable', retryable: false })).toEqual({ outcome: 'dead' });
    expect(await store.mail.getInbound('mid:dies@x')).toMatchObject({ state: 'done', raw: null, outcome: 'dead' });
  });

  it('finds the ticket of a message certdesk sent, and the last one sent about a ticket', async () => {
    const store = await openStore();
    await store.mail.recordOutbound({ messageId: 'm1@c.example', ticketId: 5, kind: 'csr_ready', recipients: ['a@x'] }, 1);
    await store.mail.settleOutbound('m1@c.example', 'sent', 2);
    await store.mail.recordOutbound({ messageId: 'm2@c.example', ticketId: 5, kind: 'installed', recipients: ['a@x'] }, 3);
    expect(await store.mail.ticketForMessageIds(['unknown@y', 'm2@c.example'])).toBe(5);
    expect(await store.mail.ticketForMessageIds(['unknown@y'])).toBeNull();
    // Recorded but not yet sent: it threads replies, but the next message is not threaded under it.
    expect(await store.mail.lastSentForTicket(5)).toBe('m1@c.example');
    expect(await store.mail.getOutbound('m2@c.example')).toMatchObject({ state: 'sending', recipients: ['a@x'] });
  });

  it('enqueues a notification inside the caller’s transaction: rolled back with it', async () => {
    const store = await openStore();
    await expect(
      store.transaction(async () => {
        await enqueueNotification(store, { kind: 'install_failed', ticketId: 3, site: 'my.x.example', error: 'boom' }, 1);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await store.jobs.list({ kind: SEND_MAIL_JOB })).toEqual([]);
    await store.transaction(() => enqueueNotification(store, { kind: 'install_failed', ticketId: 3, site: 'my.x.example', error: 'boom' }, 1));
    const [job] = await store.jobs.list({ kind: SEND_MAIL_JOB });
    expect(job).toMatchObject({ serialKey: 'mail:ticket:3', payload: { at: '1970-01-01T00:00:00.001Z', notification: { kind: 'install_failed' } } });
  });
});
