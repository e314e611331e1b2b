import { describe, expect, it } from 'vitest';
import { parseStatusOverrides, resolveStatusTable, statusesUnavailable } from '../../../src/core/workflow/status-table.js';
import { STATE_STATUS } from '../../../src/core/workflow/renewal-states.js';

describe('the status table', () => {
  it('is DESIGN §1 in an account with On-hold', () => {
    expect(resolveStatusTable({}, { onHold: true })).toEqual(STATE_STATUS);
    expect(STATE_STATUS.installing).toBe('hold');
  });

  it('uses open for installing when the account has no On-hold (a new account), and changes nothing else', () => {
    const table = resolveStatusTable({}, { onHold: false });
    expect(table).toEqual({ ...STATE_STATUS, installing: 'open' });
    expect(statusesUnavailable(table, { onHold: false })).toEqual([]);
  });

  it("takes the operator's overrides as given, and reports a hold the account cannot accept", () => {
    const overrides = parseStatusOverrides('installing=hold, needs_review=pending').overrides;
    const table = resolveStatusTable(overrides, { onHold: false });
    expect(table.installing).toBe('hold');
    expect(table.needs_review).toBe('pending');
    expect(statusesUnavailable(table, { onHold: false })).toEqual([{ state: 'installing', status: 'hold' }]);
    expect(statusesUnavailable(table, { onHold: true })).toEqual([]);
  });

  it.each([
    ['installing', /must be state=status/],
    ['installing=open=1', /must be state=status/],
    ['ignored=open', /not a renewal state with a status/],
    ['installed=closed', /certdesk can set open, pending, hold, solved/],
    ['installed=new', /certdesk can set/],
    ['installed=solved,installed=open', /names installed twice/],
  ])('refuses ZENDESK_STATUSES=%s with a precise problem', (raw, problem) => {
    const parsed = parseStatusOverrides(raw);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatch(problem);
  });

  it('reads an empty value as no overrides', () => {
    expect(parseStatusOverrides('')).toEqual({ overrides: {}, problems: [] });
  });
});
