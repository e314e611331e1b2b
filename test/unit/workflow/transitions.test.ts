import { describe, expect, it } from 'vitest';
import { decide, statesAccepting, TRANSITIONS, type WorkflowEvent, type From } from '../../../src/core/workflow/transitions.js';
import { STATE_STATUS, tagChangeFor, STATE_TAGS, ALL_STATE_TAGS } from '../../../src/core/workflow/renewal-states.js';

const cmd = (command: 'approve' | 'regenerate_csr' | 'retry_install'): WorkflowEvent => ({ type: 'command', command });

describe('the renewal transition table', () => {
  it.each<[From, WorkflowEvent, string, string[]]>([
    ['new', { type: 'not_a_request' }, 'ignored', []],
    ['new', { type: 'request_incomplete' }, 'needs_info', ['comment_needs_info']],
    ['new', { type: 'request_unknown_site' }, 'rejected', ['comment_rejected']],
    ['new', { type: 'request_not_owner' }, 'needs_review', ['comment_needs_review', 'note_needs_review']],
    ['new', { type: 'request_valid' }, 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr']],
    ['ignored', { type: 'request_valid' }, 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr']],
    ['needs_info', { type: 'request_incomplete' }, 'needs_info', ['comment_needs_info']],
    ['needs_info', { type: 'request_valid' }, 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr']],
    ['needs_info', { type: 'request_not_owner' }, 'needs_review', ['comment_needs_review', 'note_needs_review']],
    ['rejected', { type: 'request_valid' }, 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr']],
    ['rejected', { type: 'request_unknown_site' }, 'rejected', ['comment_rejected']],
    ['needs_review', cmd('approve'), 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr', 'remove_command_tag']],
    ['awaiting_certificate', cmd('regenerate_csr'), 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr', 'remove_command_tag']],
    ['install_failed', cmd('regenerate_csr'), 'awaiting_certificate', ['generate_key_and_csr', 'comment_csr', 'remove_command_tag']],
    ['install_failed', cmd('retry_install'), 'installing', ['note_retrying_install', 'enqueue_install', 'remove_command_tag']],
    ['awaiting_certificate', { type: 'bundle_invalid' }, 'awaiting_certificate', ['comment_bundle_invalid']],
    ['awaiting_certificate', { type: 'bundle_valid' }, 'installing', ['comment_installing', 'note_certificate_summary', 'enqueue_install']],
    ['installing', { type: 'install_succeeded' }, 'installed', ['comment_installed']],
    ['installing', { type: 'install_failed' }, 'install_failed', ['note_install_failed']],
    ['installing', { type: 'certificate_after_acceptance' }, 'installing', ['note_certificate_ignored']],
    ['installed', { type: 'certificate_after_acceptance' }, 'installed', ['note_certificate_ignored']],
  ])('in %s, %o moves to %s with %o', (from, event, to, effects) => {
    expect(decide(from, event)).toEqual({ from, to, effects, applies: true });
  });

  it.each<[From, 'approve' | 'regenerate_csr' | 'retry_install']>([
    ['awaiting_certificate', 'approve'],
    ['installed', 'approve'],
    ['needs_info', 'regenerate_csr'],
    ['installing', 'regenerate_csr'],
    ['installed', 'retry_install'],
    ['awaiting_certificate', 'retry_install'],
  ])('in %s, the %s command does nothing but gets a note and its tag removed', (from, command) => {
    expect(decide(from, cmd(command))).toEqual({ from, to: from, effects: ['note_command_ignored', 'remove_command_tag'], applies: false });
  });

  it.each<[From, WorkflowEvent]>([
    ['needs_review', { type: 'request_valid' }],
    ['awaiting_certificate', { type: 'request_incomplete' }],
    ['installed', { type: 'bundle_valid' }],
    ['needs_info', { type: 'bundle_valid' }],
    ['awaiting_certificate', { type: 'install_succeeded' }],
    ['needs_info', { type: 'not_a_request' }],
    ['ignored', { type: 'not_a_request' }],
  ])('in %s, %o changes nothing', (from, event) => {
    expect(decide(from, event)).toMatchObject({ to: from, effects: [], applies: false });
  });

  it('never lets an unrelated ticket get a comment', () => {
    expect(decide('new', { type: 'not_a_request' }).effects).toEqual([]);
    expect(decide('ignored', { type: 'not_a_request' }).effects).toEqual([]);
  });

  it('names the states in which each command works', () => {
    expect(statesAccepting('approve')).toEqual(['needs_review']);
    expect(statesAccepting('regenerate_csr')).toEqual(['awaiting_certificate', 'install_failed']);
    expect(statesAccepting('retry_install')).toEqual(['install_failed']);
  });

  it('has no two rows for the same state and event', () => {
    const seen = new Set<string>();
    for (const row of TRANSITIONS)
      for (const f of row.from) {
        const k = `${f}/${row.on}`;
        expect(seen.has(k), k).toBe(false);
        seen.add(k);
      }
  });
});

describe('state tags and statuses', () => {
  it('keeps exactly one state tag: adding one removes the seven others', () => {
    const change = tagChangeFor(STATE_TAGS.bundle_invalid);
    expect(change.addTags).toEqual(['cert_renewal', 'cert_renewal_bundle_invalid']);
    expect(change.removeTags).toHaveLength(7);
    expect(change.removeTags).toContain('cert_renewal_csr_sent');
    expect(ALL_STATE_TAGS).toHaveLength(8);
  });

  it('maps each state to the ticket status of DESIGN §1', () => {
    expect(STATE_STATUS).toEqual({
      needs_info: 'pending',
      needs_review: 'open',
      rejected: 'solved',
      awaiting_certificate: 'pending',
      installing: 'hold',
      installed: 'solved',
      install_failed: 'open',
    });
  });
});
