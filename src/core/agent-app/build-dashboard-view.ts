import type { RenewalState } from '../workflow/renewal-states.js';
import type { Drift } from '../watch/watched-site.js';
import { describeState, STATES_IN_ORDER } from './describe-state.js';

/** One branded site and what certdesk knows about its certificate. */
export interface SiteFacts {
  domain: string;
  owner: string;
  /** The served certificate's expiry (ISO 8601): the expiry watch's, else what certdesk installed; null when unknown. */
  expiresAt: string | null;
  /** The renewal ticket that installed it, when known. */
  installedByTicket: number | null;
  /** The newest renewal for the site that is still in progress, if any. */
  openRenewal: { ticketId: number; state: RenewalState } | null;
  /** What the expiry watch saw at its last look; null or absent until it has looked. */
  watched?: { drift: Drift; driftText: string; installedBy: 'certdesk' | 'unknown'; checkedAt: string } | null;
}

export interface FailureFacts {
  kind: 'install_failed' | 'dead_job';
  ticketId: number | null;
  site: string | null;
  /** Epoch ms. */
  at: number;
  message: string;
}

export type Urgency = 'expired' | 'critical' | 'soon' | 'ok' | 'later' | 'unknown';

export interface DashboardView {
  generatedAt: string;
  horizonDays: number;
  horizonEnd: string;
  /** The page's sites (soonest expiry first): `sitesPerPage` of them from the page asked for. */
  sites: (SiteFacts & { daysLeft: number | null; urgency: Urgency; urgencyText: string })[];
  /** Which page of the registry's sites this is (1-based), of how many, and how many sites in all. */
  sitePages: { page: number; pages: number; perPage: number; total: number };
  states: { state: RenewalState; label: string; count: number }[];
  failures: (Omit<FailureFacts, 'at'> & { at: string })[];
  /** Axis ticks for the chart: day offsets from today and their dates. */
  ticks: { day: number; date: string }[];
}

const DAY_MS = 86_400_000;
/**
 * Sites per page: a provider's registry has thousands; the page (and its chart, one row per site)
 * shows the soonest-expiring ones first, which are the ones to act on, and the rest a page at a time.
 */
export const SITES_PER_PAGE = 100;
/** Warn when a certificate has this many days left (the bundle check's EXPIRES_SOON is 30). */
export const CRITICAL_DAYS = 30;
export const SOON_DAYS = 60;

function urgencyOf(daysLeft: number | null, horizonDays: number): { urgency: Urgency; text: string } {
  if (daysLeft === null) return { urgency: 'unknown', text: 'expiry unknown (no certificate seen served or installed yet)' };
  if (daysLeft < 0) return { urgency: 'expired', text: `expired ${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago` };
  if (daysLeft <= CRITICAL_DAYS) return { urgency: 'critical', text: `expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}` };
  if (daysLeft <= SOON_DAYS) return { urgency: 'soon', text: `expires in ${daysLeft} days` };
  if (daysLeft <= horizonDays) return { urgency: 'ok', text: `expires in ${daysLeft} days` };
  return { urgency: 'later', text: `expires in ${daysLeft} days (after the next ${horizonDays})` };
}

/**
 * The operations page's model: sites by expiry (soonest first, unknown last), renewals by state,
 * recent failures (newest first). Pure.
 */
export function buildDashboardView(input: {
  sites: readonly SiteFacts[];
  /** Renewals in each state (absent: none). */
  stateCounts: Partial<Record<RenewalState, number>>;
  failures: readonly FailureFacts[];
  now: Date;
  horizonDays?: number;
  maxFailures?: number;
  /** Which page of sites (1-based; out of range: the nearest page). */
  page?: number;
  sitesPerPage?: number;
}): DashboardView {
  const horizonDays = input.horizonDays ?? 200;
  const now = input.now.getTime();
  const allSites = input.sites
    .map((s) => {
      const end = s.expiresAt ? Date.parse(s.expiresAt) : NaN;
      const daysLeft = Number.isNaN(end) ? null : Math.floor((end - now) / DAY_MS);
      const { urgency, text } = urgencyOf(daysLeft, horizonDays);
      return { ...s, daysLeft, urgency, urgencyText: text };
    })
    .sort((a, b) => (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) || a.domain.localeCompare(b.domain));
  const perPage = input.sitesPerPage ?? SITES_PER_PAGE;
  const pages = Math.max(1, Math.ceil(allSites.length / perPage));
  const asked = Number.isSafeInteger(input.page) ? input.page! : 1;
  const page = Math.min(Math.max(asked, 1), pages);
  const step = 30;
  const ticks = Array.from({ length: Math.floor(horizonDays / step) + 1 }, (_, i) => i * step);
  if (ticks[ticks.length - 1] !== horizonDays) ticks.push(horizonDays);
  return {
    generatedAt: input.now.toISOString(),
    horizonDays,
    horizonEnd: new Date(now + horizonDays * DAY_MS).toISOString(),
    sites: allSites.slice((page - 1) * perPage, page * perPage),
    sitePages: { page, pages, perPage, total: allSites.length },
    states: STATES_IN_ORDER.map((state) => ({ state, label: describeState(state).label, count: input.stateCounts[state] ?? 0 })),
    failures: [...input.failures]
      .sort((a, b) => b.at - a.at)
      .slice(0, input.maxFailures ?? 20)
      .map((f) => ({ ...f, at: new Date(f.at).toISOString() })),
    ticks: ticks.map((day) => ({ day, date: new Date(now + day * DAY_MS).toISOString().slice(0, 10) })),
  };
}
