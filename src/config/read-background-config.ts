import { parseBusinessHours } from '../core/proactive/business-hours.js';
import type { EnvReader } from './env-reader.js';
import type { Config } from './config.js';

/**
 * What runs in the background: how long a claimed job stays claimed without a heartbeat, how often
 * the expiry watch passes and how early a proactive renewal opens, and the business hours proactive
 * tickets and reminders keep to.
 */
export function readBackgroundConfig(env: EnvReader): Pick<Config, 'jobs' | 'watch' | 'proactive'> {
  const leaseSeconds = env.wholeNumber('JOB_LEASE_SECONDS', 30, { min: 1, max: 3600, unit: 'seconds' });
  const intervalSeconds = env.wholeNumber('EXPIRY_WATCH_INTERVAL_SECONDS', 21_600, { min: 60, max: 604_800, unit: 'seconds', off: true });
  const leadTimeDays = env.wholeNumber('RENEWAL_LEAD_TIME_DAYS', null, { min: 1, max: 199, unit: 'days' });
  const raw = env.get('BUSINESS_HOURS');
  const businessHours = raw === undefined ? null : parseBusinessHours(raw);
  if (businessHours && 'problem' in businessHours) env.problem(businessHours.problem);
  return {
    jobs: { leaseSeconds },
    watch: { intervalSeconds, leadTimeDays },
    proactive: { businessHours: businessHours && 'hours' in businessHours ? businessHours.hours : null },
  };
}
