import { describe, expect, it } from 'vitest';
import { describeTransition } from '../../../src/core/agent-app/describe-transition.js';

const t = (event: string, effects: string[] = []) => ({ from: 'new', to: 'awaiting_certificate', event, effects });

describe('describeTransition', () => {
  it('says in words what the proactive, duplicate, changed-details and ACME events did', () => {
    expect(describeTransition(t('request_duplicate'))).toMatch(/in progress.*link/);
    expect(describeTransition(t('proactive_due'))).toMatch(/ahead of expiry.*CSR/);
    expect(describeTransition(t('proactive_automatic_due'))).toMatch(/ahead of expiry.*ACME/);
    expect(describeTransition(t('details_changed'))).toMatch(/new key pair and CSR/);
    expect(describeTransition(t('automatic_requested'))).toMatch(/automatic certificate/);
    expect(describeTransition(t('automatic_failed'))).toMatch(/failed for good/);
  });

  it('builds a sentence from the name of an event it does not know (recorded by a newer certdesk)', () => {
    expect(describeTransition(t('site_moved_elsewhere'))).toBe('site moved elsewhere.');
  });

  it('says that a command which does not apply did nothing', () => {
    expect(describeTransition(t('command:retry_install', ['note_command_ignored']))).toBe(
      'An agent added the retry install command, which does nothing in this state: an internal note says why.',
    );
  });
});
