import { describe, expect, it } from 'vitest';
import { eventTime, nextStamp, zendeskTimestamp } from '../../../src/sandbox/zendesk-time.js';

describe('Zendesk timestamps', () => {
  it('writes REST timestamps without milliseconds', () => {
    expect(zendeskTimestamp(new Date('2025-01-08T10:12:07.672Z'))).toBe('2025-01-08T10:12:07Z');
  });

  it.each([
    ['the first stamp is now', null, '2025-01-08T10:12:07.500Z', '2025-01-08T10:12:07Z'],
    ['a later second is used as is', '2025-01-08T10:12:05Z', '2025-01-08T10:12:07.500Z', '2025-01-08T10:12:07Z'],
    ['the same second moves one second on', '2025-01-08T10:12:07Z', '2025-01-08T10:12:07.900Z', '2025-01-08T10:12:08Z'],
    ['a stamp already ahead of the clock moves on from itself', '2025-01-08T10:12:09Z', '2025-01-08T10:12:07Z', '2025-01-08T10:12:10Z'],
  ])('%s', (_name, previous, now, expected) => {
    expect(nextStamp(previous, new Date(now))).toBe(expected);
  });

  it('writes event times with nine fractional digits, strictly increasing', () => {
    const at = new Date('2025-01-08T10:12:07.672Z');
    const a = eventTime(at);
    const b = eventTime(at);
    expect(a).toMatch(/^2025-01-08T10:12:07\.672\d{6}Z$/);
    expect(b > a).toBe(true);
  });
});
