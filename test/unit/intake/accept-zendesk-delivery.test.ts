import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { zendeskDeliveryIntake, type ZendeskDelivery } from '../../../src/intake/accept-zendesk-delivery.js';
import { StoreUnavailableError } from '../../../src/intake/store-unavailable-error.js';
import { TICKET_EVENT_JOB } from '../../../src/jobs/job-kinds.js';
import type { TicketEvent } from '../../../src/core/events/normalize-zendesk-event.js';
import { systemClock } from '../../../src/lib/clock.js';
import { storesClosedAfterEach } from '../../helpers/test-store.js';

const openStore = storesClosedAfterEach();

const TS = '2026-12-03T10:00:00Z';
const event = (patch: Partial<TicketEvent> = {}): TicketEvent => ({
  type: 'ticket.comment_added',
  eventId: null,
  ticketId: 42,
  occurredAt: null,
  commentId: null,
  authorId: 7,
  tagsAdded: [],
  tagsRemoved: [],
  ...patch,
});
const delivery = (patch: Partial<ZendeskDelivery> = {}): ZendeskDelivery => ({
  event: event(),
  hint: null,
  timestamp: TS,
  raw: Buffer.from('{"ticket":42}'),
  ...patch,
});
const intakeOver = (store: Store) => zendeskDeliveryIntake({ store, clock: systemClock, renewalPriority: 'low', coalesceMs: 150 });

describe('the Zendesk delivery intake', () => {
  it('drops an event whose payload shows another priority and no certdesk tag, unless the store has a renewal for its ticket', async () => {
    const store = await openStore();
    const intake = intakeOver(store);
    const urgent = delivery({ event: event({ eventId: 'e1' }), hint: { priority: 'urgent', tags: [] } });
    expect(await intake.accept(urgent)).toBe('unrelated');
    expect(await store.jobs.list()).toEqual([]);

    await store.renewals.ensure(42, { state: 'awaiting_certificate' }, 1);
    expect(await intake.accept(urgent)).toBe('accepted');
    expect(await intake.accept(urgent)).toBe('duplicate');
  });

  it('keys a trigger payload (no event id) on the signed timestamp and the body’s bytes, not on their decoding', async () => {
    const store = await openStore();
    const intake = intakeOver(store);
    // Two bodies that decode to the same string (each invalid byte becomes U+FFFD) are two deliveries.
    const a = delivery({ raw: Buffer.from([0x7b, 0xff, 0x7d]) });
    const b = delivery({ raw: Buffer.from([0x7b, 0xfe, 0x7d]) });
    expect(Buffer.from(a.raw).toString('utf8')).toBe(Buffer.from(b.raw).toString('utf8'));
    expect(await intake.accept(a)).toBe('accepted');
    expect(await intake.accept(a)).toBe('duplicate');
    expect(await intake.accept(b)).toBe('coalesced');
    expect(await intake.accept({ ...a, timestamp: '2026-12-03T10:00:01Z' })).toBe('coalesced');
    const jobs = await store.jobs.list({ kind: TICKET_EVENT_JOB });
    expect(jobs.map((j) => j.serialKey)).toEqual(['ticket:42']);
  });

  it('records the deliveries of one event-loop turn together, each with its own outcome', async () => {
    const store = await openStore();
    const intake = intakeOver(store);
    const outcomes = await Promise.all([
      intake.accept(delivery({ event: event({ eventId: 'x' }) })),
      intake.accept(delivery({ event: event({ eventId: 'x' }) })),
      intake.accept(delivery({ event: event({ eventId: 'y' }) })),
      intake.accept(delivery({ event: event({ eventId: 'z', ticketId: 43 }) })),
    ]);
    expect(outcomes).toEqual(['accepted', 'duplicate', 'coalesced', 'accepted']);
    expect((await store.jobs.list({ kind: TICKET_EVENT_JOB })).map((j) => j.serialKey).sort()).toEqual(['ticket:42', 'ticket:43']);
  });

  it('throws StoreUnavailableError when the store cannot record the delivery', async () => {
    const store = await openStore();
    const intake = intakeOver(store);
    await store.close();
    const error = await intake.accept(delivery({ event: event({ eventId: 'e1' }) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/^the store is unavailable \(/);
  });
});
