import { describe, expect, it } from 'vitest';
import { expiryEscalationNote, expiryReminderComment } from '../../../src/core/messages/proactive-comments.js';

const site = 'my.example.com';
const notAfter = '2027-01-10T12:00:00.000Z';

describe('reminders and escalations about a certificate that has already expired', () => {
  it('say that visitors already see the warning, not that they will once it expires', () => {
    const now = new Date('2027-01-12T12:00:00.000Z');
    const note = expiryEscalationNote({ site, notAfter, now, state: 'awaiting_certificate', opsEmailed: true }).body;
    expect(note).toContain('expired on');
    expect(note).toContain('already see a security warning');
    expect(note).not.toContain('once it expires');
    const reminder = expiryReminderComment({ site, notAfter, now, waitingFor: 'certificate' }).body!;
    expect(reminder).toContain('Until the new certificate is installed');
    expect(reminder).not.toContain('When it expires');
  });

  it('keep the warning about the future while the certificate is still valid', () => {
    const now = new Date('2027-01-08T12:00:00.000Z');
    expect(expiryEscalationNote({ site, notAfter, now, state: null, opsEmailed: false }).body).toContain('once it expires');
    expect(expiryReminderComment({ site, notAfter, now, waitingFor: 'details' }).body).toContain('When it expires');
  });
});
