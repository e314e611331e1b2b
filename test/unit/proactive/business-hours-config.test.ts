import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/certdesk');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('BUSINESS_HOURS in the configuration', () => {
  it('is read once into the days, the minutes and the time zone', () => {
    const hours = loadConfig({ BUSINESS_HOURS: ' Mon-Fri  08:30-17:00 Europe/London ' }, '/srv/certdesk').proactive.businessHours!;
    expect([...hours.days].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(hours).toMatchObject({ startMinute: 510, endMinute: 1020, timeZone: 'Europe/London', text: 'Mon-Fri 08:30-17:00 Europe/London' });
  });

  it('unset means any time', () => {
    expect(loadConfig({}, '/srv/certdesk').proactive.businessHours).toBeNull();
  });

  it('a bad value stops start-up with one line saying what is wrong', () => {
    expect(problems({ BUSINESS_HOURS: 'Mon-Fri 09:00-17:00 Mars/Olympus' })).toEqual([
      'BUSINESS_HOURS names the time zone "Mars/Olympus", which is not an IANA time zone (e.g. Europe/London, America/New_York, UTC).',
    ]);
  });
});
