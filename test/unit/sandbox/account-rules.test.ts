import { describe, expect, it } from 'vitest';
import { defaultAccountSettings } from '../../../src/sandbox/account-settings.js';
import { parseAccountSettings } from '../../../src/sandbox/parse-account-settings.js';
import { checkStatusRules } from '../../../src/sandbox/status-rules.js';
import { SandboxApiError } from '../../../src/sandbox/api-error.js';

function refusal(fn: () => void): { status: number; body: any } | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (!(error instanceof SandboxApiError)) throw error;
    return { status: error.status, body: error.body };
  }
}

describe("the sandbox's status rules (a real account created today)", () => {
  const account = defaultAccountSettings();

  it("refuses solving an unassigned ticket with Zendesk's 422 RecordInvalid naming assignee_id", () => {
    expect(refusal(() => checkStatusRules(account, { status: 'open' }, { status: 'solved', assignee_id: null }))).toEqual({
      status: 422,
      body: {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { assignee_id: [{ description: 'Assignee: is required when solving a ticket', error: 'BlankValue' }] },
      },
    });
    expect(refusal(() => checkStatusRules(account, null, { status: 'solved', assignee_id: null }))?.status).toBe(422);
  });

  it('lets an assigned ticket be solved, and an already solved one be commented on', () => {
    expect(refusal(() => checkStatusRules(account, { status: 'open' }, { status: 'solved', assignee_id: 7 }))).toBeNull();
    expect(refusal(() => checkStatusRules(account, { status: 'solved' }, { status: 'solved', assignee_id: null }))).toBeNull();
  });

  it('refuses hold while On-hold is off, and allows it once switched on', () => {
    expect(refusal(() => checkStatusRules(account, { status: 'open' }, { status: 'hold', assignee_id: null }))?.body.details).toHaveProperty('status');
    expect(refusal(() => checkStatusRules({ ...account, onHold: true }, { status: 'open' }, { status: 'hold', assignee_id: null }))).toBeNull();
  });

  it('lets an account that auto-assigns on solve solve without an assignee', () => {
    expect(refusal(() => checkStatusRules({ ...account, solveNeedsAssignee: false }, { status: 'open' }, { status: 'solved', assignee_id: null }))).toBeNull();
  });
});

describe('PUT /sandbox/settings validation', () => {
  it('accepts known settings of the right type', () => {
    expect(parseAccountSettings({ onHold: true, oauthTokenTtlSeconds: 5, oauthClients: { c: { secret: 's', userEmail: 'a@b.example' } } })).toEqual({
      change: { onHold: true, oauthTokenTtlSeconds: 5, oauthClients: { c: { secret: 's', userEmail: 'a@b.example' } } },
    });
  });

  it.each([
    [{ onHld: true }, /unknown setting "onHld"/],
    [{ onHold: 'yes' }, /"onHold" must be true or false/],
    [{ oauthTokenTtlSeconds: 0 }, /at least 1/],
    [{ oauthTokenTtlSeconds: 1.5 }, /whole number/],
    [{ oauthClients: { c: { secret: '' } } }, /needs a non-empty "secret"/],
    [{ oauthClients: { c: { secret: 's', role: 'admin' } } }, /unknown keys: role/],
    [[], /must be a JSON object/],
    [null, /must be a JSON object/],
  ])('refuses %j', (body, problem) => {
    const parsed = parseAccountSettings(body);
    expect('problems' in parsed && parsed.problems.join('; ')).toMatch(problem);
  });

  it('reports every problem of a body at once', () => {
    const parsed = parseAccountSettings({ onHold: 1, nope: true });
    expect('problems' in parsed && parsed.problems).toHaveLength(2);
  });
});
