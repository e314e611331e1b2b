import express, { type Request, type Router } from 'express';
import { HttpError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../ports/store.js';
import type { ZendeskApi } from '../../ports/zendesk.js';
import { buildRenewalView } from '../../core/agent-app/build-renewal-view.js';
import { buildRenewalTimeline } from '../../core/agent-app/renewal-timeline.js';
import { actionAvailability, AGENT_ACTIONS, isAgentAction, type AgentAction } from '../../core/agent-app/agent-actions.js';
import { verifyAgentToken, type AgentClaims } from '../agent-app/verify-agent-token.js';
import { agentAppCors, isZafAppOrigin } from '../agent-app/agent-app-cors.js';

export interface RenewalApiOptions {
  store: Store;
  /** Only `addTags` is used: an action adds the command tag, exactly as an agent would. */
  zendesk: Pick<ZendeskApi, 'addTags'>;
  /** ZAF_SHARED_SECRET; null ⇒ every request is answered 503 "not configured". */
  sharedSecret: string | null;
  clock: Clock;
  /** Origins allowed to call directly (CORS). Default: Zendesk's app origins, https://*.apps.zdusercontent.com. */
  allowOrigin?: (origin: string) => boolean;
  /** Clock skew tolerated on the token's times, in seconds (default 30). */
  skewSeconds?: number;
}

const WHAT_HAPPENS: Record<AgentAction, string> = {
  regenerate_csr: 'certdesk will retire the current key, generate a new key pair and send the customer a new CSR in a few seconds',
  retry_install: 'certdesk will install the accepted certificate again in a few seconds',
};

/**
 * The agent app's API (DESIGN §3), authenticated by the JWT Zendesk's proxy signs with the app's
 * shared secret:
 * - `GET /api/renewals/:ticketId` → the renewal's view (state, history, fields, CSR and key
 *   fingerprint, findings, certificate, installer log, which actions apply) and its `timeline`
 *   (the one `certdesk renewal show` prints: transitions with their effects, audit lines, jobs);
 * - `POST /api/renewals/:ticketId/actions` `{ "action": "regenerate_csr" | "retry_install" }` → adds
 *   the command tag to the ticket (the workflow acts on it and removes it) and answers 202; 409 when
 *   the action does not apply in the renewal's state.
 * 401 missing/forged/expired token, 403 a token for another ticket, 503 without ZAF_SHARED_SECRET.
 */
export function renewalApiRouter(options: RenewalApiOptions): Router {
  const { store, zendesk, clock } = options;
  const skewSeconds = options.skewSeconds ?? 30;
  const router = express.Router();
  router.use('/api/renewals', agentAppCors(options.allowOrigin ?? isZafAppOrigin));

  async function authorize(req: Request): Promise<{ ticketId: number; claims: AgentClaims }> {
    if (!options.sharedSecret) throw new HttpError(503, "the agent app is not configured on certdesk: set ZAF_SHARED_SECRET to the app's shared secret");
    const claims = await verifyAgentToken(req.get('authorization'), { secret: options.sharedSecret, now: clock.now(), skewSeconds });
    const raw = String(req.params.ticketId ?? '');
    const ticketId = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(ticketId) || ticketId <= 0) throw new HttpError(400, `"${raw.slice(0, 40)}" is not a ticket id`);
    if (claims.ticketId !== ticketId) throw new HttpError(403, `this token is for ticket ${claims.ticketId}, not ticket ${ticketId}`);
    return { ticketId, claims };
  }

  const renewalOf = async (ticketId: number) => {
    const renewal = await store.renewals.get(ticketId);
    if (!renewal) throw new HttpError(404, `certdesk has no renewal for ticket ${ticketId}`);
    return renewal;
  };

  router.get('/api/renewals/:ticketId', async (req, res) => {
    const { ticketId } = await authorize(req);
    const renewal = await renewalOf(ticketId);
    const [transitions, watched, history] = await Promise.all([
      store.transitions.forTicket(ticketId),
      renewal.site ? store.watch.get(renewal.site) : null,
      store.history.forTicket(ticketId),
    ]);
    const view = buildRenewalView(renewal, transitions, clock.now(), watched);
    res.set('Cache-Control', 'no-store').json({ ...view, timeline: buildRenewalTimeline(history) });
  });

  router.post(
    '/api/renewals/:ticketId/actions',
    (req, res, next) => {
      // Authenticate before reading the body: an anonymous caller gets 401, whatever it sent.
      authorize(req).then((auth) => {
        res.locals.auth = auth;
        next();
      }, next);
    },
    (req, _res, next) => {
      if (!req.is('application/json')) next(new HttpError(415, 'send the action as JSON (Content-Type: application/json)'));
      else next();
    },
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const { ticketId, claims } = res.locals.auth as { ticketId: number; claims: AgentClaims };
      const action: unknown = (req.body as { action?: unknown } | undefined)?.action;
      if (!isAgentAction(action)) throw new HttpError(400, `"action" must be one of ${AGENT_ACTIONS.map((a) => `"${a}"`).join(', ')}`);
      const renewal = await renewalOf(ticketId);
      const availability = actionAvailability(action, renewal.state);
      if (!availability.available) throw new HttpError(409, availability.explanation);
      try {
        await zendesk.addTags(ticketId, [availability.tag]);
      } catch (error) {
        throw new HttpError(502, `Zendesk did not take the ${availability.tag} tag (${(error as Error).message}); try again`);
      }
      await store.audit.append(
        {
          ticketId,
          actor: claims.userId ? `agent:${claims.userId}` : 'agent-app',
          action: 'agent_command_requested',
          detail: { command: action, tag: availability.tag, via: 'agent-app' },
        },
        clock.now().getTime(),
      );
      res
        .status(202)
        .json({ status: 'accepted', action, tag: availability.tag, message: `${WHAT_HAPPENS[action]} (tag ${availability.tag} added to the ticket).` });
    },
  );
  return router;
}
