import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { recordAndEnqueue, type Arrival } from '../../../src/intake/record-and-enqueue.js';
import { enqueueJob, INBOUND_EMAIL_JOB, INSTALL_JOB, PROACTIVE_JOB, TICKET_EVENT_JOB } from '../../../src/jobs/job-kinds.js';
import { mergeTicketEvents, type TicketEvent } from '../../../src/core/events/normalize-zendesk-event.js';
import { storesClosedAfterEach } from '../../helpers/test-store.js';

const openStore = storesClosedAfterEach();

const event = (eventId: string, patch: Partial<TicketEvent> = {}): TicketEvent => ({
  type: 'ticket.comment_added',
  eventId,
  ticketId: 42,
  occurredAt: null,
  commentId: null,
  authorId: 7,
  tagsAdded: [],
  tagsRemoved: [],
  ...patch,
});

/** A webhook delivery as the Zendesk intake hands it over: recorded by its key, coalesced per ticket. */
const delivery = (store: Store, e: TicketEvent, now: number): Arrival<typeof TICKET_EVENT_JOB> => ({
  record: () => store.deliveries.record(`event:${e.eventId}`, e.type, e.ticketId, now),
  kind: TICKET_EVENT_JOB,
  payload: e,
  options: { serialKey: `ticket:${e.ticketId}`, runAt: now + 150 },
  merge: mergeTicketEvents,
});

describe('recording an arrival and queuing its job', () => {
  it('queues a job with the payload and options given, and answers the same arrival again as a duplicate', async () => {
    const store = await openStore();
    const first = await recordAndEnqueue(store, delivery(store, event('e1'), 1000), 1000);
    expect(first.outcome).toBe('accepted');
    expect(await store.jobs.get(first.jobId!)).toMatchObject({
      kind: TICKET_EVENT_JOB,
      serialKey: 'ticket:42',
      runAt: 1150,
      payload: event('e1'),
      state: 'queued',
    });

    expect(await recordAndEnqueue(store, delivery(store, event('e1'), 1001), 1001)).toEqual({ outcome: 'duplicate', jobId: null });
    expect(await store.jobs.list({ kind: TICKET_EVENT_JOB })).toHaveLength(1);
  });

  it('folds a second arrival into its ticket’s job that has not started, merging the payloads', async () => {
    const store = await openStore();
    const first = await recordAndEnqueue(store, delivery(store, event('e1', { type: 'ticket.created' }), 1000), 1000);
    const second = await recordAndEnqueue(store, delivery(store, event('e2', { authorId: 8, tagsAdded: ['cert_renewal_approve'] }), 1010), 1010);
    expect(second).toEqual({ outcome: 'coalesced', jobId: first.jobId });
    const jobs = await store.jobs.list({ kind: TICKET_EVENT_JOB });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toMatchObject({ type: 'ticket.created', authorId: null, tagsAdded: ['cert_renewal_approve'] });
  });

  it('queues a new job once the waiting one has started: a running job may have read the ticket already', async () => {
    const store = await openStore();
    const first = await recordAndEnqueue(store, delivery(store, event('e1'), 1000), 1000);
    expect((await store.jobs.claim('worker', 2000, 60_000))!.id).toBe(first.jobId);
    const second = await recordAndEnqueue(store, delivery(store, event('e2'), 2001), 2001);
    expect(second.outcome).toBe('accepted');
    expect(second.jobId).not.toBe(first.jobId);
  });

  it('gives every arrival its own job when it cannot be merged (inbound e-mail, in arrival order)', async () => {
    const store = await openStore();
    const mail = (dedupKey: string): Arrival<typeof INBOUND_EMAIL_JOB> => ({
      record: () => store.deliveries.record(dedupKey, 'inbound-email', null, 1),
      kind: INBOUND_EMAIL_JOB,
      payload: { dedupKey },
      options: { serialKey: 'mail:inbound' },
    });
    expect((await recordAndEnqueue(store, mail('mid:a'), 1)).outcome).toBe('accepted');
    expect((await recordAndEnqueue(store, mail('mid:b'), 2)).outcome).toBe('accepted');
    expect((await store.jobs.list({ kind: INBOUND_EMAIL_JOB })).map((j) => j.payload)).toEqual([{ dedupKey: 'mid:a' }, { dedupKey: 'mid:b' }]);
  });

  it('records nothing when queuing fails: the arrival is taken again when it is delivered again', async () => {
    const store = await openStore();
    await recordAndEnqueue(store, delivery(store, event('e1'), 1000), 1000);
    const failing: Arrival<typeof TICKET_EVENT_JOB> = {
      ...delivery(store, event('e2'), 1010),
      merge: () => {
        throw new Error('merge failed');
      },
    };
    await expect(recordAndEnqueue(store, failing, 1010)).rejects.toThrow('merge failed');
    expect(await recordAndEnqueue(store, delivery(store, event('e2'), 1020), 1020)).toMatchObject({ outcome: 'coalesced' });
  });
});

describe('enqueueJob', () => {
  it('queues a job of a known kind with its payload, as store.jobs.enqueue does', async () => {
    const store = await openStore();
    const id = await enqueueJob(store, INSTALL_JOB, { ticketId: 3, transitionId: 9 }, 500, { serialKey: 'ticket:3', maxAttempts: 4 });
    expect(await store.jobs.get(id)).toMatchObject({
      kind: INSTALL_JOB,
      payload: { ticketId: 3, transitionId: 9 },
      serialKey: 'ticket:3',
      maxAttempts: 4,
      runAt: 500,
    });
  });

  it('does not compile with a payload of another kind, or a kind that does not exist (checked by tsc in npm test)', () => {
    // Never called: the @ts-expect-error lines are what is tested, by the type checker.
    const wrongPayloads = (store: Store) => [
      // @ts-expect-error: an install job needs its ticket and transition
      enqueueJob(store, INSTALL_JOB, { dedupKey: 'mid:a' }, 1),
      // @ts-expect-error: a scheduled pass carries nothing
      enqueueJob(store, PROACTIVE_JOB, { ticketId: 1 }, 1),
      // @ts-expect-error: no such kind
      enqueueJob(store, 'instal', { ticketId: 1, transitionId: 1 }, 1),
    ];
    expect(typeof wrongPayloads).toBe('function');
  });
});
