import { describe, expect, it } from 'vitest';
import { buildRenewalTimeline, type RenewalHistoryFacts } from '../../../src/core/agent-app/renewal-timeline.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');

/** A renewal whose process died after claiming the CSR comment (posted or not, unconfirmed), with the install job dead. */
const facts: RenewalHistoryFacts = {
  ticketId: 42,
  transitions: [
    {
      id: 1,
      from: 'new',
      to: 'awaiting_certificate',
      event: 'request_valid',
      effects: ['generate_key_and_csr', 'comment_csr'],
      state: 'pending',
      createdAt: T0,
      doneAt: null,
    },
    {
      id: 2,
      from: 'installing',
      to: 'install_failed',
      event: 'install_failed',
      effects: ['note_install_failed'],
      state: 'pending',
      createdAt: T0 + 5000,
      doneAt: null,
    },
  ],
  effects: [
    { key: 'tr:1:generate_key_and_csr', kind: 'generate_key_and_csr', state: 'done', createdAt: T0 + 10, doneAt: T0 + 10 },
    { key: 'tr:1:comment_csr', kind: 'comment_csr', state: 'claimed', createdAt: T0 + 20, doneAt: null },
  ],
  audit: [
    { id: 1, at: T0, actor: 'certdesk', action: 'transition', detail: { from: 'new', to: 'awaiting_certificate' } },
    { id: 2, at: T0 + 30, actor: 'certdesk', action: 'public_comment', detail: { effect: 'tr:1:comment_csr' } },
    {
      id: 3,
      at: T0 + 4000,
      actor: 'certdesk',
      action: 'install_attempt_failed',
      detail: { error: 'verify: the served\ncertificate is the old one', rolledBack: true },
    },
    {
      id: 4,
      at: T0 + 5000,
      actor: 'operator:pat',
      action: 'agent_command_requested',
      detail: { command: 'retry_install', tag: 'cert_renewal_retry_install', via: 'cli' },
    },
  ],
  jobs: [{ id: 9, kind: 'install', state: 'dead', attempts: 3, maxAttempts: 3, lastError: 'x'.repeat(400), createdAt: T0 + 100, finishedAt: T0 + 4500 }],
};

describe('buildRenewalTimeline', () => {
  const timeline = buildRenewalTimeline(facts);

  it('says for each effect a transition owed whether it was done, claimed but not confirmed, or not started', () => {
    const first = timeline.entries[0]!;
    expect(first).toMatchObject({ type: 'transition', event: 'request_valid', pending: true });
    expect(first.type === 'transition' && first.effects).toEqual([
      { effect: 'generate_key_and_csr', status: 'done', at: '2026-12-01T10:00:00.010Z' },
      { effect: 'comment_csr', status: 'claimed', at: '2026-12-01T10:00:00.020Z' },
    ]);
    const last = timeline.entries.find((e) => e.type === 'transition' && e.event === 'install_failed')!;
    expect(last.type === 'transition' && last.effects).toEqual([{ effect: 'note_install_failed', status: 'owed', at: null }]);
  });

  it('merges the audit lines a transition does not already say, by time, with their errors on one line', () => {
    expect(timeline.entries.map((e) => (e.type === 'transition' ? `T ${e.event}` : `A ${e.action}`))).toEqual([
      'T request_valid',
      'A install_attempt_failed',
      'T install_failed',
      'A agent_command_requested',
    ]);
    expect(timeline.entries[1]).toMatchObject({
      description: 'install attempt failed (rolledBack true)',
      error: 'verify: the served certificate is the old one',
    });
    expect(timeline.entries[3]).toMatchObject({
      actor: 'operator:pat',
      description: 'agent command requested (command retry_install; tag cert_renewal_retry_install; via cli)',
    });
  });

  it('lists the jobs apart with their attempts, and shortens a long error', () => {
    expect(timeline.jobs).toEqual([
      {
        id: 9,
        kind: 'install',
        state: 'dead',
        attempts: 3,
        maxAttempts: 3,
        queuedAt: '2026-12-01T10:00:00.100Z',
        finishedAt: '2026-12-01T10:00:04.500Z',
        lastError: `${'x'.repeat(299)}…`,
      },
    ]);
  });
});
