import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/adapters/store/open-store.js';
import { acceptInboundMessage, INBOUND_EMAIL_JOB } from '../../../src/jobs/mail/accept-inbound-message.js';
import { enqueueNotification, SEND_MAIL_JOB } from '../../../src/jobs/mail/enqueue-notification.js';

const raw = (id: string) => Buffer.from(`From: Pat <pat@x.example>\r\nMessage-ID: <${id}>\r\nSubject: hi\r\n\r\nhello\r\n`);

describe('the mail log', () => {
  it('accepts a message once: its Message-ID recorded and its job enqueued together', () => {
    const store = openStore({ file: ':memory:' });
    const first = acceptInboundMessage(store, raw('One@X.example'), 'http', 1000);
    expect(first).toMatchObject({ status: 'accepted', dedupKey: 'mid:one@x.example', messageId: 'one@x.example' });
    const again = acceptInboundMessage(store, raw('one@x.example'), 'smtp', 2000);
    expect(again).toEqual({ status: 'duplicate', dedupKey: 'mid:one@x.example', messageId: 'one@x.example' });
    const jobs = store.jobs.list({ kind: INBOUND_EMAIL_JOB });
    expect(jobs.map((j) => j.payload)).toEqual([{ dedupKey: 'mid:one@x.example' }]);
    expect(store.mail.getInbound('mid:one@x.example')).toMatchObject({ source: 'http', sender: 'pat@x.example', state: 'queued', raw: raw('One@X.example') });
  });

  it('stores nothing for a message it refuses', () => {
    const store = openStore({ file: ':memory:' });
    expect(acceptInboundMessage(store, Buffer.from('no headers here\r\n'), 'http', 1)).toMatchObject({ status: 'rejected' });
    expect(store.jobs.list()).toEqual([]);
    expect(store.db.prepare('SELECT COUNT(*) FROM inbound_messages').pluck().get()).toBe(0);
  });

  it('erases the raw bytes once the message is handled, and remembers the outcome', () => {
    const store = openStore({ file: ':memory:' });
    acceptInboundMessage(store, raw('a@x'), 'http', 1);
    store.mail.savePlan('mid:a@x', { generation: 1 });
    expect(store.mail.getInbound('mid:a@x')!.plan).toEqual({ generation: 1 });
    store.mail.finishInbound('mid:a@x', { outcome: 'ticket_created', ticketId: 7 }, 2);
    expect(store.mail.getInbound('mid:a@x')).toMatchObject({ state: 'done', raw: null, plan: null, outcome: 'ticket_created', ticketId: 7 });
    expect(store.mail.purgeInbound(2)).toBe(1);
    expect(store.mail.getInbound('mid:a@x')).toBeNull();
  });

  it('finds the ticket of a message certdesk sent, and the last one sent about a ticket', () => {
    const store = openStore({ file: ':memory:' });
    store.mail.recordOutbound({ messageId: 'm1@c.example', ticketId: 5, kind: 'csr_ready', recipients: ['a@x'] }, 1);
    store.mail.settleOutbound('m1@c.example', 'sent', 2);
    store.mail.recordOutbound({ messageId: 'm2@c.example', ticketId: 5, kind: 'installed', recipients: ['a@x'] }, 3);
    expect(store.mail.ticketForMessageIds(['unknown@y', 'm2@c.example'])).toBe(5);
    expect(store.mail.ticketForMessageIds(['unknown@y'])).toBeNull();
    // Recorded but not yet sent: it threads replies, but the next message is not threaded under it.
    expect(store.mail.lastSentForTicket(5)).toBe('m1@c.example');
    expect(store.mail.getOutbound('m2@c.example')).toMatchObject({ state: 'sending', recipients: ['a@x'] });
  });

  it('enqueues a notification inside the caller’s transaction: rolled back with it', () => {
    const store = openStore({ file: ':memory:' });
    expect(() =>
      store.transaction(() => {
        enqueueNotification(store, { kind: 'install_failed', ticketId: 3, site: 'my.x.example', error: 'boom' }, 1);
        throw new Error('the state change failed');
      }),
    ).toThrow('the state change failed');
    expect(store.jobs.list({ kind: SEND_MAIL_JOB })).toEqual([]);
    store.transaction(() => enqueueNotification(store, { kind: 'install_failed', ticketId: 3, site: 'my.x.example', error: 'boom' }, 1));
    const [job] = store.jobs.list({ kind: SEND_MAIL_JOB });
    expect(job).toMatchObject({ serialKey: 'mail:ticket:3', payload: { at: '1970-01-01T00:00:00.001Z', notification: { kind: 'install_failed' } } });
  });
});
