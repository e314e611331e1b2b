import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { solveAssignee } from '../../../src/jobs/renewal/renewal-deps.js';
import { refusalReasons, statusRefusedNote } from '../../../src/core/messages/status-refused-note.js';
import { configProblems } from '../../helpers/config-problems.js';

describe('the account-rule settings of the configuration', () => {
  it('reads ZENDESK_ASSIGNEE_ID, ZENDESK_GROUP_ID and ZENDESK_STATUSES', () => {
    const c = loadConfig({ ZENDESK_ASSIGNEE_ID: '360000000123', ZENDESK_GROUP_ID: '42', ZENDESK_STATUSES: 'installing=pending' }, '/srv/certdesk');
    expect(c.zendesk).toMatchObject({ assigneeId: 360000000123, groupId: 42, statusOverrides: { installing: 'pending' } });
  });

  it('defaults to no assignee, no group and no overrides', () => {
    expect(loadConfig({}, '/srv/certdesk').zendesk).toMatchObject({ assigneeId: null, groupId: null, statusOverrides: {} });
  });

  it('refuses each bad value with one line naming the variable', () => {
    expect(configProblems({ ZENDESK_ASSIGNEE_ID: 'sam', ZENDESK_GROUP_ID: '0', ZENDESK_STATUSES: 'installing=closed' })).toEqual([
      'ZENDESK_ASSIGNEE_ID must be a Zendesk id, a positive whole number (got "sam").',
      'ZENDESK_GROUP_ID must be a Zendesk id, a positive whole number (got "0").',
      'ZENDESK_STATUSES gives installing the status "closed"; certdesk can set open, pending, hold, solved.',
    ]);
  });
});

describe('who certdesk assigns a ticket it solves to', () => {
  it('is ZENDESK_ASSIGNEE_ID with its group when configured', () => {
    expect(solveAssignee({ assigneeId: 5, groupId: 9 }, 77)).toEqual({ assigneeId: 5, groupId: 9 });
  });
  it('is the sandbox demo agent only when neither is configured', () => {
    expect(solveAssignee({ assigneeId: null, groupId: null }, 77)).toEqual({ assigneeId: 77 });
    expect(solveAssignee({ assigneeId: null, groupId: 9 }, 77)).toEqual({ groupId: 9 });
    expect(solveAssignee({ assigneeId: null, groupId: null })).toEqual({});
  });
});

describe('the note when Zendesk refuses a status', () => {
  it("reads Zendesk's 422 details as sentences", () => {
    expect(
      refusalReasons({
        assignee_id: [{ description: 'Assignee: is required when solving a ticket', error: 'BlankValue' }],
        custom_fields: [{ error: 'BlankValue' }],
      }),
    ).toEqual(['Assignee: is required when solving a ticket', 'custom_fields is invalid']);
    expect(refusalReasons(undefined)).toEqual([]);
  });

  it('tells an agent what to do for solved and for hold', () => {
    const solved = statusRefusedNote({ status: 'solved', reasons: ['Assignee: is required when solving a ticket'], assigneeConfigured: false }).body;
    expect(solved).toMatch(/refused to set this ticket's status to solved/);
    expect(solved).toMatch(/Assign the ticket to an agent and solve it\. .*ZENDESK_ASSIGNEE_ID/);
    expect(statusRefusedNote({ status: 'hold', reasons: [], assigneeConfigured: false }).body).toMatch(
      /activate it in Admin Center.*or map this state to another status with ZENDESK_STATUSES/s,
    );
  });
});
