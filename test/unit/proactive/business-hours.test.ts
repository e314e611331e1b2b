import { describe, expect, it } from 'vitest';
import { isWithinBusinessHours, parseBusinessHours } from '../../../src/core/proactive/business-hours.js';

const parse = (raw: string) => {
  const r = parseBusinessHours(raw);
  if (!('hours' in r)) throw new Error(r.problem);
  return r.hours;
};

describe('BUSINESS_HOURS', () => {
  it.each([
    // 2027-01-04 is a Monday; London is on GMT in January and BST in July.
    ['Mon-Fri 09:00-17:00 Europe/London', '2027-01-04T09:00:00Z', true],
    ['Mon-Fri 09:00-17:00 Europe/London', '2027-01-04T08:59:00Z', false],
    ['Mon-Fri 09:00-17:00 Europe/London', '2027-01-04T17:00:00Z', false],
    ['Mon-Fri 09:00-17:00 Europe/London', '2027-07-05T08:30:00Z', true],
    ['Mon-Fri 09:00-17:00 Europe/London', '2027-07-05T16:30:00Z', false],
    ['Mon-Fri 09:00-17:00 Europe/London', '2027-01-09T12:00:00Z', false],
    ['Fri-Mon 10:00-12:00 UTC', '2027-01-10T11:00:00Z', true],
    ['Mon-Thu,Sat 10:00-12:00 UTC', '2027-01-08T11:00:00Z', false],
    ['Mon-Thu,Sat 10:00-12:00 UTC', '2027-01-09T11:00:00Z', true],
    ['Mon-Fri 09:00-17:00 America/New_York', '2027-01-04T14:00:00Z', true],
    ['Mon-Fri 09:00-17:00 America/New_York', '2027-01-04T13:59:00Z', false],
  ])('%s at %s: inside = %s', (raw, at, inside) => {
    expect(isWithinBusinessHours(parse(raw), new Date(at))).toBe(inside);
  });

  it('no hours configured means any time', () => {
    expect(isWithinBusinessHours(null, new Date('2027-01-09T03:00:00Z'))).toBe(true);
  });

  it.each([
    ['Mon-Fri 09:00-17:00', /must be "<days> <start>-<end> <time zone>"/],
    ['Mo-Fr 09:00-17:00 UTC', /names days "Mo-Fr"/],
    ['Mon-Fri 9-17 UTC', /HH:MM-HH:MM/],
    ['Mon-Fri 17:00-09:00 UTC', /the start before the end/],
    ['Mon-Fri 09:00-17:00 Europe/Londres', /not an IANA time zone/],
  ])('"%s" is refused with a precise sentence', (raw, problem) => {
    const r = parseBusinessHours(raw);
    expect('problem' in r && r.problem).toMatch(problem);
  });
});
