import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Store } from '../../../src/ports/store.js';
import { createTestDatabase, storesClosedAfterEach } from '../../helpers/test-store.js';
import { until } from '../../helpers/until.js';

/**
 * The store port's contract (src/ports/store.ts), method by method, through the port only: it runs
 * on SQLite and on PostgreSQL (vitest's two projects), so both adapters keep one behaviour.
 * The job queue, mail log and watch repository have their own files beside this one.
 */
const store = storesClosedAfterEach({ retry: { baseMs: 1000, capMs: 60_000, random: () => 0.5 } });

/** PostgreSQL delivers signals over its LISTEN connection: wait until it is in place. */
const listening = (s: Store) => (s as Partial<{ listening: () => Promise<void> }>).listening?.();

describe('the store port', () => {
  it('renewals: ensure creates once, update bumps the version and refuses a stale one, list filters', async () => {
    const s = await store();
    expect(await s.renewals.has(1)).toBe(false);
    expect(await s.renewals.get(1)).toBeNull();
    const created = await s.renewals.ensure(1, { state: 'received' as never, site: 'my.a.example', fields: { org: 'A' } }, 10);
    expect(created).toMatchObject({
      ticketId: 1,
      state: 'received',
      site: 'my.a.example',
      fields: { org: 'A' },
      problems: [],
      version: 1,
      createdAt: 10,
      updatedAt: 10,
      lastCommentId: 0,
      installLog: null,
    });
    expect(await s.renewals.ensure(1, { state: 'csr_sent' as never }, 20)).toEqual(created);
    const updated = await s.renewals.update(
      1,
      { state: 'csr_sent' as never, installLog: ['done'], problems: [{ field: 'f', code: 'c', message: 'm' }] },
      30,
      1,
    );
    expect(updated).toMatchObject({ state: 'csr_sent', installLog: ['done'], version: 2, updatedAt: 30, createdAt: 10 });
    await expect(s.renewals.update(1, { site: 'x' }, 40, 1)).rejects.toThrow(/changed while it was being updated/);
    await s.renewals.ensure(2, { state: 'received' as never, site: 'my.b.example' }, 10);
    expect((await s.renewals.list()).map((r) => r.ticketId)).toEqual([1, 2]);
    expect((await s.renewals.list({ state: 'received' as never })).map((r) => r.ticketId)).toEqual([2]);
    expect((await s.renewals.list({ site: 'my.a.example' })).map((r) => r.ticketId)).toEqual([1]);
  });

  it('renewals: every column round-trips — nested JSON, NULLs set back, ids and times past 2^31 as numbers', async () => {
    const s = await store();
    // Zendesk's ids (tickets, comments, users, organizations) pass 2^32; epoch ms pass 2^40.
    const big = { ticketId: 2 ** 33 + 7, comment: 38_000_000_001, user: 2 ** 35 + 1, org: 2 ** 34 + 3, at: Date.UTC(2026, 11, 3, 12, 0, 0, 123) };
    const leaf = {
      subject: 'CN=my.a.example',
      issuer: 'CN=CA "quoted", O=Ünïcode ✓',
      serialNumber: '0a',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2027-01-01T00:00:00.000Z',
      sha256: 'ab',
      dnsNames: ['my.a.example', '*.a.example'],
      keyType: 'ec',
    };
    const full = {
      state: 'installing' as const,
      site: 'my.a.example',
      fields: { domain: 'my.a.example', note: 'line\nbreak \u2028 "quotes" \\ back' },
      problems: [{ field: 'f', code: 'c', message: 'm' }],
      organizationId: big.org,
      requesterId: big.user,
      keyId: null,
      csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nAA==\n-----END CERTIFICATE REQUEST-----\n',
      csrSpkiSha256: 'cd',
      lastCommentId: big.comment,
      findings: { ok: true, errors: [], warnings: [{ code: 'w', message: 'x', nested: { deeper: [1, null, { z: 'ü' }] } }] } as never,
      certificate: { leaf, chain: [leaf] } as never,
      fullchainPem: 'PEM',
      approvedBy: big.user,
      installLog: ['one', 'two'],
    };
    const created = await s.renewals.ensure(big.ticketId, full, big.at);
    expect(created).toEqual({ ticketId: big.ticketId, ...full, version: 1, createdAt: big.at, updatedAt: big.at });
    expect(await s.renewals.get(big.ticketId)).toEqual(created);
    // What update returns is what get reads afterwards; NULL back into every nullable column.
    const cleared = await s.renewals.update(
      big.ticketId,
      {
        site: null,
        organizationId: null,
        requesterId: null,
        csrPem: null,
        csrSpkiSha256: null,
        findings: null,
        certificate: null,
        fullchainPem: null,
        approvedBy: null,
        installLog: null,
        problems: [],
        fields: {},
      },
      big.at + 1,
      1,
    );
    expect(cleared).toEqual({
      ...created,
      site: null,
      organizationId: null,
      requesterId: null,
      csrPem: null,
      csrSpkiSha256: null,
      findings: null,
      certificate: null,
      fullchainPem: null,
      approvedBy: null,
      installLog: null,
      problems: [],
      fields: {},
      version: 2,
      updatedAt: big.at + 1,
    });
    expect(await s.renewals.get(big.ticketId)).toEqual(cleared);
    expect(await s.renewals.list({ state: 'installing' })).toEqual([cleared]);
    // An empty patch still counts as a write.
    expect(await s.renewals.update(big.ticketId, {}, big.at + 2)).toMatchObject({ version: 3, updatedAt: big.at + 2 });
    await expect(s.renewals.update(big.ticketId + 1, { site: 'x' }, big.at)).rejects.toThrow(/changed while it was being updated/);
  });

  it('the job queue: payloads round-trip as written, big times stay numbers, an error text with a NUL byte is kept legible', async () => {
    const s = await store();
    const at = Date.UTC(2026, 11, 3);
    const payload = { ticketId: 2 ** 33, nested: { list: [1, 'two', null, { three: true }], empty: {}, text: 'ü \u2028 "q" \\' } };
    const id = await s.jobs.enqueue('step', payload, at, { serialKey: 'ticket:8589934592', maxAttempts: 3 });
    expect(await s.jobs.get(id)).toEqual({
      id,
      kind: 'step',
      serialKey: 'ticket:8589934592',
      payload,
      state: 'queued',
      attempts: 0,
      maxAttempts: 3,
      runAt: at,
      lastError: null,
    });
    expect(await s.jobs.nextDueAt()).toBe(at);
    expect(await s.jobs.claim('w', at, 60_000)).toMatchObject({ id, payload, attempts: 1 });
    expect(await s.jobs.nextDueAt()).toBe(at + 60_000);
    // An error text quoting a binary response: the failure is recorded (PostgreSQL's text refuses NUL).
    const outcome = await s.jobs.fail(id, 'w', at + 1, { error: 'HTTP 502: \u0000\u0001binary', retryable: true });
    // Backoff of attempt 1 with base 1 s and the jitter pinned at 0.5: 500 + 250 ms.
    expect(outcome).toEqual({ outcome: 'retry', runAt: at + 1 + 750 });
    const failed = (await s.jobs.get(id))!;
    expect(failed).toMatchObject({ state: 'queued', attempts: 1, runAt: at + 751 });
    expect(failed.lastError).toMatch(/^HTTP 502: .\u0001binary$/);
    await s.jobs.claim('w', at + 751, 1000);
    expect(await s.jobs.postpone(id, 'w', at + 752, at + 5000, '429 \u0000')).toBe(true);
    expect((await s.jobs.get(id))!.lastError).toMatch(/^429 .$/);
  });

  it('renewals: listed by several states at once, counted by state, the latest per site, without reading them all', async () => {
    const s = await store();
    const states = ['installed', 'needs_info', 'installed', 'install_failed', 'awaiting_certificate', 'installed'] as const;
    for (const [i, state] of states.entries()) await s.renewals.ensure(i + 1, { state, site: `my.s${i % 2}.example` }, 10);
    expect((await s.renewals.list({ states: ['needs_info', 'install_failed', 'installing'] })).map((r) => r.ticketId)).toEqual([2, 4]);
    expect((await s.renewals.list({ states: ['installed'], site: 'my.s0.example' })).map((r) => r.ticketId)).toEqual([1, 3]);
    expect(await s.renewals.list({ states: [] })).toEqual([]);
    expect(await s.renewals.countByState()).toEqual({ installed: 3, needs_info: 1, install_failed: 1, awaiting_certificate: 1 });
    await s.renewals.update(2, { state: 'installed' }, 20);
    expect(await s.renewals.countByState()).toEqual({ installed: 4, install_failed: 1, awaiting_certificate: 1 });
    await s.renewals.ensure(7, { state: 'needs_info', site: null }, 30);
    // Each site's highest ticket id, whatever its state; renewals without a site are not anyone's latest.
    expect(await s.renewals.latestPerSite()).toEqual([
      { site: 'my.s0.example', ticketId: 5, state: 'awaiting_certificate' },
      { site: 'my.s1.example', ticketId: 6, state: 'installed' },
    ]);
  });

  it('keys: a reserved id is fresh, the oldest unretired key of an algorithm is the active one', async () => {
    const s = await store();
    const bytes = (n: number) => Buffer.alloc(n, 7);
    const a = await s.keys.reserveId();
    await s.keys.insert({
      id: a,
      ticketId: 5,
      algorithm: 'ec',
      spkiSha256: 'aa',
      ciphertext: bytes(40),
      iv: bytes(12),
      tag: bytes(16),
      createdAt: 1,
      transitionId: null,
    });
    const b = await s.keys.reserveId();
    expect(b).not.toBe(a);
    await s.keys.insert({
      id: b,
      ticketId: 5,
      algorithm: 'ec',
      spkiSha256: 'bb',
      ciphertext: bytes(40),
      iv: bytes(12),
      tag: bytes(16),
      createdAt: 2,
      transitionId: 9,
    });
    expect(await s.keys.get(b)).toEqual({
      id: b,
      ticketId: 5,
      algorithm: 'ec',
      spkiSha256: 'bb',
      ciphertext: bytes(40),
      iv: bytes(12),
      tag: bytes(16),
      createdAt: 2,
      retiredAt: null,
      transitionId: 9,
    });
    expect((await s.keys.findActive(5, 'ec'))!.id).toBe(Math.min(a, b));
    await s.keys.retire(Math.min(a, b), 3);
    expect((await s.keys.findActive(5, 'ec'))!.id).toBe(Math.max(a, b));
    expect(await s.keys.findActive(5, 'rsa')).toBeNull();
    expect(await s.keys.countForTicket(5)).toBe(2);
    expect(await s.keys.get(a + b + 100)).toBeNull();
  });

  it('keys: ids reserved before either is inserted differ (two key generations at once)', async () => {
    const s = await store();
    const bytes = (n: number) => Buffer.alloc(n, 7);
    const [a, b] = await Promise.all([s.keys.reserveId(), s.keys.reserveId()]);
    expect(b).not.toBe(a);
    for (const id of [b, a])
      await s.keys.insert({
        id,
        ticketId: 6,
        algorithm: 'ec',
        spkiSha256: String(id),
        ciphertext: bytes(40),
        iv: bytes(12),
        tag: bytes(16),
        createdAt: 1,
        transitionId: null,
      });
    expect(await s.keys.countForTicket(6)).toBe(2);
    expect(await s.keys.reserveId()).toBeGreaterThan(Math.max(a, b));
  });

  it('deliveries: a key is recorded once, and forgotten after the retention', async () => {
    const s = await store();
    expect(await s.deliveries.record('k1', 'ticket.created', 1, 1000)).toBe(true);
    expect(await s.deliveries.record('k1', 'ticket.created', 1, 2000)).toBe(false);
    expect(await s.deliveries.purgeOld(1000 + s.deliveries.retentionMs)).toBe(0);
    expect(await s.deliveries.purgeOld(1001 + s.deliveries.retentionMs)).toBe(1);
    expect(await s.deliveries.record('k1', 'ticket.created', 1, 3000)).toBe(true);
  });

  it('effects: claimed once, unconfirmed until done, done is final', async () => {
    const s = await store();
    expect(await s.effects.claim('e1', 3, 'comment', 'body', 1)).toEqual({ status: 'new', body: 'body' });
    expect(await s.effects.claim('e1', 3, 'comment', 'other', 2)).toEqual({ status: 'unconfirmed', body: 'body' });
    expect(await s.effects.isDone('e1')).toBe(false);
    await s.effects.done('e1', 3);
    expect(await s.effects.isDone('e1')).toBe(true);
    expect(await s.effects.claim('e1', 3, 'comment', 'body', 4)).toEqual({ status: 'done' });
    await s.effects.markDone('e2', 3, 'tag', 5);
    await s.effects.markDone('e2', 3, 'tag', 6);
    expect(await s.effects.isDone('e2')).toBe(true);
    expect(await s.effects.countForTicket(3)).toBe(2);
    expect(await s.effects.countForTicket(3, 'tag')).toBe(1);
  });

  it('transitions and audit: the outbox per ticket, stalled tickets, and one history of it all', async () => {
    const s = await store();
    const id = await s.transitions.record(
      { ticketId: 4, from: 'received', to: 'csr_sent' as never, event: 'e', effects: ['post_csr' as never], context: { why: 'x' } },
      100,
    );
    await s.transitions.record({ ticketId: 6, from: 'received', to: 'csr_sent' as never, event: 'e', effects: [], context: {} }, 300);
    expect(await s.transitions.pending(4)).toEqual([
      { id, ticketId: 4, from: 'received', to: 'csr_sent', event: 'e', effects: ['post_csr'], context: { why: 'x' }, state: 'pending', createdAt: 100 },
    ]);
    expect(await s.transitions.stalledTickets(200)).toEqual([4]);
    await s.transitions.complete(id, 150);
    expect(await s.transitions.pending(4)).toEqual([]);
    expect((await s.transitions.forTicket(4))[0]).toMatchObject({ id, state: 'done' });
    await s.audit.append({ ticketId: 4, actor: 'certdesk', action: 'noted', detail: { n: 1 } }, Date.UTC(2026, 0, 2));
    await s.audit.append({ ticketId: null, actor: 'certdesk', action: 'global' }, 0);
    expect(await s.audit.forTicket(4)).toEqual([
      { id: expect.any(Number), ticketId: 4, at: '2026-01-02T00:00:00.000Z', actor: 'certdesk', action: 'noted', detail: { n: 1 } },
    ]);
    await s.effects.claim(`t${id}:post_csr`, 4, 'post_csr', null, 120);
    const jobId = await s.jobs.enqueue('step', { ticketId: 4 }, 130);
    await s.jobs.enqueue('other', { ticketId: 44 }, 130, { serialKey: 'ticket:44' });
    const history = await s.history.forTicket(4);
    expect(history.transitions).toEqual([
      { id, from: 'received', to: 'csr_sent', event: 'e', effects: ['post_csr'], state: 'done', createdAt: 100, doneAt: 150 },
    ]);
    expect(history.effects).toEqual([{ key: `t${id}:post_csr`, kind: 'post_csr', state: 'claimed', createdAt: 120, doneAt: null }]);
    expect(history.audit.map((a) => a.action)).toEqual(['noted']);
    expect(history.jobs.map((j) => j.id)).toEqual([jobId]);
  });

  it('the job queue: waiting jobs, payload replacement, postponing, dead jobs replayed, purge', async () => {
    const s = await store();
    const a = await s.jobs.enqueue('step', { v: 1 }, 0, { serialKey: 'ticket:9' });
    expect(await s.jobs.hasPending('ticket:9')).toBe(true);
    expect(await s.jobs.hasPending('ticket:10')).toBe(false);
    expect((await s.jobs.findWaiting('step', 'ticket:9'))!.id).toBe(a);
    expect(await s.jobs.replacePayload(a, { v: 2 }, 1)).toBe(true);
    const claimed = (await s.jobs.claim('w', 1, 1000))!;
    expect(claimed.payload).toEqual({ v: 2 });
    expect(await s.jobs.findWaiting('step', 'ticket:9')).toBeNull();
    expect(await s.jobs.replacePayload(a, { v: 3 }, 2)).toBe(false);
    expect(await s.jobs.postpone(a, 'w', 2, 500, '429')).toBe(true);
    expect(await s.jobs.get(a)).toMatchObject({ state: 'queued', attempts: 0, runAt: 500, lastError: '429' });
    expect(await s.jobs.postpone(a, 'w', 3, 600, 'again')).toBe(false);
    await s.jobs.claim('w', 500, 1000);
    expect(await s.jobs.fail(a, 'w', 501, { error: 'gone', retryable: false })).toEqual({ outcome: 'dead' });
    const b = await s.jobs.enqueue('step', {}, 0);
    await s.jobs.claim('w', 502, 1000);
    await s.jobs.fail(b, 'w', 503, { error: 'gone', retryable: false });
    expect(await s.jobs.countByState()).toEqual({ queued: 0, running: 0, done: 0, dead: 2 });
    expect(await s.jobs.retryDead(a, 600)).toBe(true);
    expect(await s.jobs.retryDead(a, 600)).toBe(false);
    expect(await s.jobs.retryAllDead(601)).toEqual([b]);
    expect((await s.jobs.list({ state: 'queued' })).map((j) => j.id)).toEqual([a, b]);
    expect(await s.jobs.list({ kind: 'nothing' })).toEqual([]);
    for (let job = await s.jobs.claim('w', 700, 1000); job; job = await s.jobs.claim('w', 700, 1000)) await s.jobs.complete(job.id, 'w', 700);
    expect(await s.jobs.nextDueAt()).toBeNull();
    expect(await s.jobs.purgeDone(700)).toBe(0);
    expect(await s.jobs.purgeDone(701)).toBe(2);
    expect(await s.jobs.list()).toEqual([]);
  });

  it('sites and proactive renewals: one row per site, the first plan kept, a reminder claimed once', async () => {
    const s = await store();
    const site = { domain: 'my.a.example', certSha256: 'aa', fullchainPem: 'PEM', notAfter: '2027-01-01T00:00:00.000Z', installedAt: 1, ticketId: 1 };
    await s.sites.record(site);
    await s.sites.record({ ...site, certSha256: 'bb', installedAt: 2 });
    expect(await s.sites.list()).toEqual([{ ...site, certSha256: 'bb', installedAt: 2 }]);
    expect(await s.sites.get('my.none.example')).toBeNull();
    await s.sites.record({ ...site, domain: 'my.0.example', ticketId: null });
    expect(await s.sites.listSummaries()).toEqual([
      { domain: 'my.0.example', certSha256: 'aa', notAfter: '2027-01-01T00:00:00.000Z', installedAt: 1, ticketId: null },
      { domain: 'my.a.example', certSha256: 'bb', notAfter: '2027-01-01T00:00:00.000Z', installedAt: 2, ticketId: 1 },
    ]);
    expect(await s.proactive.savePlan('my.a.example', 'bb', { n: 1 }, 10)).toMatchObject({ plan: { n: 1 }, ticketId: null, createdAt: 10 });
    expect(await s.proactive.savePlan('my.a.example', 'bb', { n: 2 }, 11)).toMatchObject({ plan: { n: 1 } });
    await s.proactive.replacePlan('my.a.example', 'bb', { n: 3 });
    await s.proactive.opened('my.a.example', 'bb', 77, 12);
    await s.proactive.replacePlan('my.a.example', 'bb', { n: 4 });
    expect(await s.proactive.get('my.a.example', 'bb')).toEqual({
      site: 'my.a.example',
      certSha256: 'bb',
      plan: { n: 3 },
      ticketId: 77,
      createdAt: 10,
      openedAt: 12,
    });
    await s.proactive.savePlan('my.a.example', 'cc', {}, 20);
    expect((await s.proactive.listForSite('my.a.example')).map((p) => p.certSha256)).toEqual(['cc', 'bb']);
    expect(await s.proactive.claimReminder('my.a.example', 'bb', 'reminder_14', 77, 30)).toBe('new');
    expect(await s.proactive.claimReminder('my.a.example', 'bb', 'reminder_14', 77, 31)).toBe('unconfirmed');
    await s.proactive.reminderDone('my.a.example', 'bb', 'reminder_14', 32);
    expect(await s.proactive.claimReminder('my.a.example', 'bb', 'reminder_14', 77, 33)).toBe('done');
    expect(await s.proactive.reminders('my.a.example', 'bb')).toEqual([
      { site: 'my.a.example', certSha256: 'bb', kind: 'reminder_14', ticketId: 77, state: 'done', claimedAt: 30, doneAt: 32 },
    ]);
  });

  it('refresh tokens and served pairs: sealed, readable only with the same key, pairs roll back', async () => {
    const kek = randomBytes(32);
    const db = await createTestDatabase();
    try {
      let s = await db.open({ sealKey: kek });
      await s.refreshTokens.save('c1', 'seed-1', 'token-a');
      await s.refreshTokens.save('c1', 'seed-1', 'token-b');
      expect(await s.refreshTokens.load('c1', 'seed-1')).toBe('token-b');
      expect(await s.refreshTokens.load('c1', 'seed-2')).toBeNull();
      expect(await s.refreshTokens.load('c2', 'seed-1')).toBeNull();
      await s.pairs.put({ site: 'my.a.example', fullchainPem: 'ONE', privateKeyPem: 'KEY-ONE', leafSha256: '01', updatedAt: 1 });
      await s.pairs.put({ site: 'my.a.example', fullchainPem: 'TWO', privateKeyPem: 'KEY-TWO', leafSha256: '02', updatedAt: 2 });
      await s.pairs.put({ site: 'my.b.example', fullchainPem: 'B', privateKeyPem: 'KEY-B', leafSha256: '0b', updatedAt: 3 });
      expect((await s.pairs.list()).map((p) => [p.site, p.privateKeyPem])).toEqual([
        ['my.a.example', 'KEY-TWO'],
        ['my.b.example', 'KEY-B'],
      ]);
      await s.pairs.restorePrevious('my.a.example', 4);
      expect(await s.pairs.get('my.a.example')).toEqual({
        site: 'my.a.example',
        fullchainPem: 'ONE',
        privateKeyPem: 'KEY-ONE',
        leafSha256: '01',
        updatedAt: 4,
      });
      await s.pairs.restorePrevious('my.b.example', 5);
      expect(await s.pairs.get('my.b.example')).toBeNull();
      await s.close();
      s = await db.open({ sealKey: randomBytes(32) });
      expect(await s.refreshTokens.load('c1', 'seed-1')).toBeNull();
      await s.close();
      s = await db.open({ sealKey: kek });
      expect(await s.refreshTokens.load('c1', 'seed-1')).toBe('token-b');
      await s.close();
    } finally {
      await db.drop();
    }
  });

  it('transactions: all or nothing, nested calls join, signals only once committed', async () => {
    const s = await store();
    const heard: string[] = [];
    s.onSignal('pairs', (p) => heard.push(`pairs:${p}`));
    const stop = s.onSignal('jobs', () => heard.push('jobs'));
    await listening(s);
    await expect(
      s.transaction(async () => {
        await s.renewals.ensure(1, { state: 'received' as never }, 1);
        await s.transaction(async () => s.jobs.enqueue('k', {}, 1));
        await s.signal('pairs', 'rolled-back');
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await s.renewals.has(1)).toBe(false);
    expect(await s.jobs.list()).toEqual([]);
    await s.signal('pairs', 'marker');
    await until(() => heard.includes('pairs:marker'));
    expect(heard).toEqual(['pairs:marker']);
    const result = await s.transaction(async () => {
      await s.renewals.ensure(1, { state: 'received' as never }, 1);
      await s.jobs.enqueue('k', {}, 1);
      return 'committed';
    });
    expect(result).toBe('committed');
    await until(() => heard.includes('jobs'));
    stop();
    expect(await s.renewals.has(1)).toBe(true);
    expect(await s.health()).toEqual({ ready: true, problem: null });
  });

  it('site locks: one holder per site at a time, other sites not held up', async () => {
    const s = await store();
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = s.withSiteLock('my.a.example', async () => {
      events.push('first in');
      await held;
      events.push('first out');
    });
    await until(() => events.includes('first in'));
    const second = s.withSiteLock('my.a.example', async () => {
      events.push('second in');
      return 'second';
    });
    expect(await s.withSiteLock('my.b.example', async () => 'other')).toBe('other');
    expect(events).toEqual(['first in']);
    release();
    expect(await second).toBe('second');
    await first;
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });
});
