import { describe, expect, it } from 'vitest';
import { mergeTicketEvents, type TicketEvent } from '../../../src/core/events/normalize-zendesk-event.js';

const ev = (type: TicketEvent['type'], authorId: number | null, extra: Partial<TicketEvent> = {}): TicketEvent => ({
  type,
  eventId: 'e',
  ticketId: 7,
  occurredAt: null,
  commentId: null,
  authorId,
  tagsAdded: [],
  tagsRemoved: [],
  ...extra,
});

describe('merging the events one job will handle', () => {
  it.each([
    ["certdesk's own update, then a customer reply", ev('ticket.comment_added', 1), ev('ticket.comment_added', 2), null],
    ["two of certdesk's own updates", ev('ticket.tags_changed', 1), ev('ticket.status_changed', 1), 1],
    ["a customer reply, then certdesk's own update", ev('ticket.comment_added', 2), ev('ticket.tags_changed', 1), null],
  ])('keeps the author only when both share it: %s', (_name, a, b, author) => {
    expect(mergeTicketEvents(a, b).authorId).toBe(author);
  });

  it('stays a ticket creation when either was one (a ticket certdesk opened from an e-mail is new)', () => {
    expect(mergeTicketEvents(ev('ticket.status_changed', 1), ev('ticket.created', 1)).type).toBe('ticket.created');
    expect(mergeTicketEvents(ev('ticket.created', 1), ev('ticket.tags_changed', 1)).type).toBe('ticket.created');
  });

  it('unions the tag changes', () => {
    const merged = mergeTicketEvents(
      ev('ticket.tags_changed', 3, { tagsAdded: ['a'] }),
      ev('ticket.tags_changed', 3, { tagsAdded: ['b', 'a'], tagsRemoved: ['c'] }),
    );
    expect(merged).toMatchObject({ tagsAdded: ['a', 'b'], tagsRemoved: ['c'] });
  });
});
