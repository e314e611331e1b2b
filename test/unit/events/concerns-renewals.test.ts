import { describe, expect, it } from 'vitest';
import { normalizeZendeskEvent } from '../../../src/core/events/normalize-zendesk-event.js';
import { mayConcernRenewals } from '../../../src/core/events/concerns-renewals.js';

const event = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const n = normalizeZendeskEvent({
    type: 'zen:event-type:ticket.tags_changed',
    id: 'e1',
    subject: 'zen:ticket:7',
    detail: { id: '7', ...detail },
    event: extra,
  });
  if (n.kind !== 'ticket') throw new Error(n.kind);
  return n;
};

describe('whether an event can concern a renewal, from its payload alone', () => {
  it.each([
    ['normal priority, other tags', { priority: 'NORMAL', tags: ['billing'] }, {}, false],
    ['no priority at all (null), no tags', { priority: null, tags: null }, {}, false],
    ['urgent, lower-case as some payloads send it', { priority: 'urgent', tags: [] }, {}, false],
    ['the renewal priority', { priority: 'LOW', tags: null }, {}, true],
    ['another priority but the cert_renewal tag', { priority: 'HIGH', tags: ['cert_renewal'] }, {}, true],
    ['another priority, the event adds cert_renewal', { priority: 'HIGH', tags: [] }, { tags_added: ['cert_renewal'] }, true],
    ['another priority, a ticket certdesk opened itself (cert_renewal_proactive)', { priority: 'NORMAL', tags: ['cert_renewal_proactive'] }, {}, true],
    ['another priority, an agent adds a command tag', { priority: 'NORMAL', tags: [] }, { tags_added: ['cert_renewal_approve'] }, true],
    ['another priority, a tag that only looks alike', { priority: 'NORMAL', tags: ['cert_renewals_old', 'xcert_renewal'] }, {}, false],
    ['a snapshot that does not show the priority', { tags: ['billing'] }, {}, true],
    ['a priority that is not a string', { priority: 4, tags: [] }, {}, true],
  ])('%s → %s', (_name, detail, extra, expected) => {
    const n = event(detail, extra);
    expect(mayConcernRenewals(n.event, n.hint, 'low')).toBe(expected);
  });

  it('follows RENEWAL_PRIORITY when it is not low', () => {
    const n = event({ priority: 'HIGH', tags: [] });
    expect(mayConcernRenewals(n.event, n.hint, 'high')).toBe(true);
    expect(mayConcernRenewals(n.event, n.hint, 'low')).toBe(false);
  });

  it('always lets a trigger payload through (it carries no snapshot)', () => {
    const n = normalizeZendeskEvent({ certdesk_trigger: 'v1', ticket_id: '9' });
    if (n.kind !== 'ticket') throw new Error(n.kind);
    expect(n.hint).toBeNull();
    expect(mayConcernRenewals(n.event, n.hint, 'low')).toBe(true);
  });
});
