import type { BusinessHours } from '../../core/proactive/business-hours.js';
import type { CycleCertificate } from '../../core/proactive/decide-proactive.js';
import type { RenewalDeps } from '../renewal/renewal-deps.js';

/** One pass at a time, across workers and restarts. */
export const PROACTIVE_SERIAL_KEY = 'proactive-renewals';

/** BUSINESS_HOURS and PROACTIVE_LEAD_TIME_DAYS (config). */
export interface ProactiveSettings {
  businessHours: BusinessHours | null;
  /** Replaces the default lead time (a third of the lifetime, at least 30 days); a site's own wins. */
  leadTimeDays: number | null;
  /** The lead time of an `acme` site: ARI or two thirds of the lifetime (src/jobs/acme/acme-lead-time.ts); a site's own wins. */
  acmeLeadTimeDays?: (site: string, cert: CycleCertificate) => Promise<number>;
}

export type ProactiveDeps = RenewalDeps & { proactive: ProactiveSettings };
