import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { configProblems } from '../../helpers/config-problems.js';

const problemsOf = (env: Record<string, string>): string[] => configProblems(env, '/tmp');

describe('the expiry watch configuration', () => {
  it('watches every 6 hours with the lead time left to the certificate, by default', () => {
    expect(loadConfig({}, '/tmp').watch).toEqual({ intervalSeconds: 21_600, leadTimeDays: null });
  });

  it('reads an interval, "off", and a global lead time', () => {
    expect(loadConfig({ EXPIRY_WATCH_INTERVAL_SECONDS: '3600', RENEWAL_LEAD_TIME_DAYS: '45' }, '/tmp').watch).toEqual({
      intervalSeconds: 3600,
      leadTimeDays: 45,
    });
    expect(loadConfig({ EXPIRY_WATCH_INTERVAL_SECONDS: 'off' }, '/tmp').watch.intervalSeconds).toBeNull();
  });

  it.each([
    [{ EXPIRY_WATCH_INTERVAL_SECONDS: '59' }, 'EXPIRY_WATCH_INTERVAL_SECONDS must be a whole number of seconds between 60 and 604800, or "off" (got "59").'],
    [{ EXPIRY_WATCH_INTERVAL_SECONDS: '6h' }, 'EXPIRY_WATCH_INTERVAL_SECONDS must be a whole number of seconds between 60 and 604800, or "off" (got "6h").'],
    [{ RENEWAL_LEAD_TIME_DAYS: '0' }, 'RENEWAL_LEAD_TIME_DAYS must be a whole number of days between 1 and 199 (got "0").'],
    [{ RENEWAL_LEAD_TIME_DAYS: '200' }, 'RENEWAL_LEAD_TIME_DAYS must be a whole number of days between 1 and 199 (got "200").'],
  ])('stops start-up with one line for %o', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });
});
