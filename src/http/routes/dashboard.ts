import express, { type Request, type Response, type Router } from 'express';
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../ports/store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import { buildDashboardView } from '../../core/agent-app/build-dashboard-view.js';
import { gatherDashboardFacts } from '../dashboard/gather-dashboard-facts.js';
import { renderDashboardGate, renderDashboardPage, type TicketUrl } from '../dashboard/render-dashboard-page.js';
import { isAdmin, sameSecret, startSession } from '../dashboard/admin-session.js';
import { renderNoRenewalPage, renderRenewalTimelinePage } from '../dashboard/render-renewal-timeline-page.js';
import { buildRenewalTimeline } from '../../core/agent-app/renewal-timeline.js';

export interface DashboardOptions {
  store: Store;
  registry: DomainRegistry;
  /** ADMIN_TOKEN; null ⇒ the page answers 503 "not configured". */
  adminToken: string | null;
  clock: Clock;
  /** Link to a ticket in Zendesk (or the sandbox's web page); without it tickets are shown as plain text. */
  ticketUrl?: TicketUrl;
  /** Days ahead the expiry chart covers (default 200, the maximum certificate lifetime from 2026-03-15). */
  horizonDays?: number;
}

const HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * `GET /dashboard` (DESIGN §3), the operations page behind ADMIN_TOKEN: every branded site's
 * certificate expiry on a timeline (server-rendered SVG with a table fallback), renewals by state
 * and recent failures with links to their tickets. Plain HTML, no script, no external resource.
 *
 * Authentication: `Authorization: Bearer <ADMIN_TOKEN>` (scripts), or the token given once — as
 * `?token=` or through the page's form (POST) — which sets an HttpOnly, SameSite=Strict session
 * cookie and redirects to the bare URL so the token does not stay in the address bar.
 */
export function dashboardRouter(options: DashboardOptions): Router {
  const router = express.Router();
  const send = (res: Response, status: number, html: string) => res.status(status).set(HEADERS).type('html').send(html);

  const gate = (req: Request, res: Response, given: unknown): boolean => {
    const token = options.adminToken;
    if (!token) {
      send(res, 503, renderDashboardGate('not_configured'));
      return false;
    }
    if (typeof given === 'string' && given !== '') {
      if (!sameSecret(given, token)) {
        send(res, 401, renderDashboardGate('login', 'That is not the admin token.'));
        return false;
      }
      startSession(req, res, token);
      res.redirect(303, '/dashboard');
      return false;
    }
    if (!isAdmin(req, token)) {
      res.set('WWW-Authenticate', 'Bearer realm="certdesk dashboard"');
      send(res, 401, renderDashboardGate('login'));
      return false;
    }
    return true;
  };

  router.get('/dashboard', async (req, res) => {
    if (!gate(req, res, req.query.token)) return;
    const facts = await gatherDashboardFacts(options.store, options.registry);
    const page = typeof req.query.page === 'string' && /^\d{1,6}$/.test(req.query.page) ? Number(req.query.page) : 1;
    const view = buildDashboardView({ ...facts, now: options.clock.now(), page, ...(options.horizonDays ? { horizonDays: options.horizonDays } : {}) });
    send(res, 200, renderDashboardPage(view, options.ticketUrl));
  });
  // One renewal's timeline, linked from the page's renewals and failures (the session cookie is enough).
  router.get('/dashboard/renewals/:ticketId', async (req, res) => {
    if (!gate(req, res, undefined)) return;
    const raw = String(req.params.ticketId);
    const renewal = /^\d{1,15}$/.test(raw) ? await options.store.renewals.get(Number(raw)) : null;
    if (!renewal) {
      send(res, 404, renderNoRenewalPage(raw));
      return;
    }
    send(res, 200, renderRenewalTimelinePage(renewal, buildRenewalTimeline(await options.store.history.forTicket(renewal.ticketId)), options.ticketUrl));
  });
  router.post('/dashboard', express.urlencoded({ extended: false, limit: '2kb' }), (req, res) => {
    const given = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof given !== 'string' || given === '') {
      send(res, options.adminToken ? 401 : 503, renderDashboardGate(options.adminToken ? 'login' : 'not_configured', 'Enter the admin token.'));
      return;
    }
    gate(req, res, given);
  });
  return router;
}
