import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { accountStatuses } from '../../../src/jobs/renewal/account-statuses.js';
import { postOnce } from '../../../src/jobs/renewal/post-once.js';
import { memoApiUser, TicketCache, type RenewalDeps } from '../../../src/jobs/renewal/renewal-deps.js';
import { systemClock } from '../../../src/lib/clock.js';
import { MetricsRegistry } from '../../../src/lib/metrics.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

/**
 * A refused status, then a failure before the comment went out: the retry posts the comment once
 * and the note once. The note goes first, so nothing that happened before the failure is repeated
 * or lost. The failure is a dropped connection on the comment's PUT (fetch throws), over real HTTP.
 */
let zd: TestSandbox;
let store: Store;
let failCommentPut = false;
const metrics = new MetricsRegistry();

beforeAll(async () => {
  zd = await startTestSandbox({ demoData: true });
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
  await zd?.close();
});

function deps(): RenewalDeps {
  const flaky: typeof fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    if (failCommentPut && init?.method === 'PUT' && body.includes('"public":true') && !body.includes('"status"')) {
      failCommentPut = false;
      throw new TypeError('fetch failed (connection reset)');
    }
    return fetch(input, init);
  };
  const zendesk = zd.clientFor(zd.sandbox.apiUser.email, { fetch: flaky });
  const logger = silentLogger();
  return {
    zendesk,
    store,
    clock: systemClock,
    logger,
    apiUser: memoApiUser(zendesk),
    tickets: new TicketCache(),
    statuses: accountStatuses(zendesk, {}, logger),
    metrics,
    settings: { assignee: {} },
  } as unknown as RenewalDeps;
}

describe('a status Zendesk refuses, then a failure before the comment', () => {
  it('posts the internal note and the customer comment exactly once each across the retry', async () => {
    const created = await zd.api('POST', '/api/v2/tickets', {
      as: zd.demo!.customer.email,
      body: { ticket: { subject: 'Renewal', comment: { body: 'please' } } },
    });
    const ticketId = created.body.ticket.id as number;
    const spec = {
      key: 'tr:1:comment_rejected',
      ticketId,
      kind: 'comment_rejected',
      body: 'We cannot renew my.unknown.example.',
      public: true,
      status: 'solved' as const,
      addTags: ['cert_renewal'],
    };

    failCommentPut = true;
    const first = await postOnce(deps(), spec).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(failCommentPut).toBe(false);

    expect(await postOnce(deps(), spec)).toBe(true);
    expect(await postOnce(deps(), spec)).toBe(false);

    const comments = (await zd.api('GET', `/api/v2/tickets/${ticketId}/comments`)).body.comments as { body: string; public: boolean }[];
    expect(comments.map((c) => [c.public, c.body.split('\n')[0]])).toEqual([
      [true, 'please'],
      [false, "certdesk: Zendesk refused to set this ticket's status to solved, so certdesk's next comment was posted without changing the status."],
      [true, 'We cannot renew my.unknown.example.'],
    ]);
    expect(await metrics.render()).toMatch(/^certdesk_status_refused_total\{status="solved"\} 2$/m);
    const ticket = (await zd.api('GET', `/api/v2/tickets/${ticketId}`)).body.ticket;
    expect(ticket.status).toBe('open');
    expect(ticket.tags).toContain('cert_renewal');
  });
});
