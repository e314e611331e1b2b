import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/workflow/transitions.js';
import { expiryReminderComment, linkedToRenewalComment, proactiveOpeningComment, whenItExpires } from '../../../src/core/messages/proactive-comments.js';

describe('the workflow rows of proactive renewals', () => {
  it.each([
    ['new', { type: 'proactive_due' }, 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr']],
    ['new', { type: 'request_duplicate' }, 'ignored', ['comment_linked']],
    ['needs_info', { type: 'request_duplicate' }, 'ignored', ['comment_linked']],
    ['awaiting_certificate', { type: 'details_changed' }, 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr']],
  ] as const)('%s + %o → %s with %o', (from, event, to, effects) => {
    expect(decide(from, event)).toEqual({ from, to, effects, applies: true });
  });

  it.each([
    ['awaiting_certificate', { type: 'proactive_due' }],
    ['installing', { type: 'details_changed' }],
    ['awaiting_certificate', { type: 'request_duplicate' }],
  ] as const)('%s does not move on %o', (from, event) => {
    expect(decide(from, event)).toMatchObject({ applies: false, effects: [] });
  });
});

describe('the comments of proactive renewals', () => {
  const fields = { organization: 'Northwind Traders Ltd', locality: 'London', state: 'Greater London', country: 'GB' };

  it('the opening comment states the expiry, the details used and the one step left, with the lifetime of the day', () => {
    const body = proactiveOpeningComment({
      site: 'my.northwind-traders.example',
      notAfter: '2029-04-20T12:00:00Z',
      now: new Date('2029-03-21T12:00:00Z'),
      fields,
      lastTicketId: 12,
    }).body;
    expect(body).toContain('The TLS certificate for my.northwind-traders.example expires on 20 April 2029, in 30 days.');
    expect(body).toContain('your last renewal (ticket #12)');
    expect(body).toContain('- Country: GB');
    expect(body).toContain('Reply only if something changed');
    expect(body).toContain('a certificate can now be valid for at most 47 days');
    expect(body).toContain('you do not buy again');
  });

  it('without earlier details it says the next comment asks for them', () => {
    const body = proactiveOpeningComment({
      site: 'my.example.com',
      notAfter: '2027-02-13T12:00:00Z',
      now: new Date('2027-01-14T12:00:00Z'),
      fields: null,
      lastTicketId: null,
    }).body;
    expect(body).toContain('We do not have the details');
    expect(body).not.toContain('Reply only if something changed');
  });

  it.each([
    ['2027-02-13T12:00:00Z', '2027-02-01T09:30:00Z', 'expires on 13 February 2027, in 12 days'],
    ['2027-02-13T12:00:00Z', '2027-02-12T12:00:00Z', 'expires on 13 February 2027, tomorrow'],
    ['2027-02-13T12:00:00Z', '2027-02-13T08:00:00Z', 'expires on 13 February 2027, today'],
    ['2027-02-13T12:00:00Z', '2027-02-15T13:00:00Z', 'expired on 13 February 2027, 2 days ago'],
  ])('%s seen at %s: "%s"', (notAfter, now, words) => {
    expect(whenItExpires(new Date(notAfter), new Date(now))).toBe(words);
  });

  it('the reminder asks for what is missing; the link names the renewal in progress', () => {
    expect(
      expiryReminderComment({ site: 'my.example.com', notAfter: '2027-02-13T12:00:00Z', now: new Date('2027-02-06T12:00:00Z'), waitingFor: 'certificate' })
        .body,
    ).toContain('(my.example.com.csr)');
    expect(linkedToRenewalComment({ site: 'my.example.com', ticketId: 7, link: 'https://example.zendesk.com/hc/requests/7' }).body).toContain(
      'in progress in ticket #7: https://example.zendesk.com/hc/requests/7',
    );
  });
});
