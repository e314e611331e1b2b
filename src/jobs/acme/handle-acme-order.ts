import type { JobHandler } from '../worker.js';
import { RetryAfterError, RetryableError } from '../../lib/errors.js';
import { checkBundle } from '../../core/bundle/check-bundle.js';
import { retryWaitAfter, type AcmeFailure } from '../../core/acme/explain-acme-failure.js';
import type { OrderMemory } from '../../ports/acme.js';
import { automaticFailedComment } from '../../core/acme/automatic-comments.js';
import { STATE_TAGS, tagChangeFor } from '../../core/workflow/renewal-states.js';
import type { RenewalRecord } from '../../ports/store.js';
import { recordTransition } from '../renewal/record-transition.js';
import { finishPendingTransitions, performTransition } from '../renewal/perform-transition.js';
import { postOnce } from '../renewal/post-once.js';
import { checkSiteReadiness } from './check-site-readiness.js';
import type { AcmeDeps } from './acme-deps.js';
import type { AcmeOrderJob } from '../job-kinds.js';

/**
 * The `acme-order` job: the renewal's own CSR (its key stays in the vault) ordered from the ACME
 * CA → the chain through checkBundle like any customer's bundle → `bundle_valid`, whose effects
 * install, verify live and roll back exactly as for a bundle a customer sent. Before ordering, the
 * site's DNS is checked (CNAME to the provider, CAA). A failure a retry can absorb (rate limit,
 * unreachable, the CA's own error) is retried with the queue's backoff; once retries are spent, or
 * at once when only the customer can fix it (DNS, CAA), the customer is told why and what to change.
 */
export function handleAcmeOrder(deps: AcmeDeps): JobHandler<AcmeOrderJob> {
  return async ({ job, signal, logger }) => {
    const { ticketId } = job.payload;
    await finishPendingTransitions(deps, ticketId);
    const renewal = await deps.store.renewals.get(ticketId);
    // This request was already answered by a failure (recorded before anyone was told): a retry
    // after a crash or a refused Zendesk update only finishes telling — it never orders again.
    // (Only while the renewal still waits: a certificate that arrived meanwhile makes it moot.)
    const answered = renewal?.site ? await recordedFailure(deps, ticketId, job.payload.transitionId) : null;
    if (answered && renewal!.state === 'awaiting_certificate') return tellFailure(deps, ticketId, renewal!.site!, answered);
    if (renewal?.state !== 'awaiting_certificate' || !renewal.site || !renewal.csrPem) {
      logger.info({ ticketId, state: renewal?.state }, 'acme: nothing to order, the renewal no longer waits for a certificate');
      return;
    }
    const orders = deps.metrics.counter('certdesk_acme_orders_total', 'ACME orders by outcome (issued, or the failure kind).');
    const problems = await checkSiteReadiness(deps.acme, renewal.site);
    if (problems.length > 0) {
      orders.inc({ outcome: problems[0]!.code.toLowerCase() });
      return giveUp(deps, renewal, { reasons: problems.map((p) => p.message), kind: problems[0]!.code.toLowerCase(), transitionId: job.payload.transitionId });
    }
    const result = await deps.acme.issuer.issue({
      site: renewal.site,
      csrPem: renewal.csrPem,
      signal,
      order: await rememberedOrder(deps, ticketId, job.payload.transitionId),
    });
    if (!result.ok) {
      orders.inc({ outcome: result.failure.kind });
      if (result.failure.retryable && job.attempts < job.maxAttempts) {
        const message = `ACME order for ${renewal.site} failed (${result.failure.kind}): ${result.failure.message}`;
        const wait = retryWaitAfter(result.failure);
        throw wait === undefined ? new RetryableError(message) : new RetryAfterError(message, wait);
      }
      return giveUp(deps, renewal, { reasons: [result.failure.message], kind: result.failure.kind, transitionId: job.payload.transitionId });
    }
    const report = await checkBundle({
      domain: renewal.site,
      files: [{ name: `${renewal.site}-acme.pem`, data: result.fullchainPem }],
      csrPem: renewal.csrPem,
      trustedRootsPem: deps.settings.trustedRootsPem,
      at: deps.clock.now(),
    });
    if (!report.ok || !report.fullchainPem || !report.leaf) {
      orders.inc({ outcome: 'rejected_by_checks' });
      const errors = report.findings.filter((f) => f.severity === 'error');
      const failure: AcmeFailure = {
        kind: 'ca_error',
        retryable: false,
        message: `The certificate the certificate authority issued for ${renewal.site} did not pass our checks (${errors.map((f) => f.code).join(', ')}), so we did not install it; your current certificate keeps working, and our support team has the details.`,
      };
      // The agents get the findings: this is the CA's or the configuration's fault, not the customer's.
      const note = [
        `certdesk: the certificate ${deps.acme.issuer.directoryUrl} issued for ${renewal.site} was rejected by checkBundle; nothing was installed.`,
        '',
        ...errors.map((f) => `- ${f.code}: ${f.message}`),
      ].join('\n');
      return giveUp(deps, renewal, { reasons: [failure.message], kind: 'rejected_by_checks', transitionId: job.payload.transitionId, note });
    }
    orders.inc({ outcome: 'issued' });
    const { fullchainPem, ...reportWithoutChainPem } = report;
    const current = (await deps.store.renewals.get(ticketId))!;
    const t = await recordTransition(
      deps,
      ticketId,
      current,
      { type: 'bundle_valid' },
      {
        patch: { findings: reportWithoutChainPem, fullchainPem, certificate: { leaf: report.leaf, chain: report.chain } },
        context: { report: reportWithoutChainPem, skipped: [], acme: { directoryUrl: deps.acme.issuer.directoryUrl } },
      },
    );
    if (t) await performTransition(deps, t);
  };
}

/**
 * The ACME order of one request, remembered in the audit log as soon as the CA has placed it: the
 * job run again after a crash, a stop or a refused Zendesk update takes that order up (and only
 * downloads a certificate already issued) instead of ordering a second one.
 */
async function rememberedOrder(deps: AcmeDeps, ticketId: number, transitionId: number): Promise<OrderMemory> {
  const last = (await deps.store.audit.forTicket(ticketId)).filter((e) => e.action === 'acme_order_placed' && e.detail.transitionId === transitionId).at(-1);
  return {
    url: typeof last?.detail.orderUrl === 'string' ? last.detail.orderUrl : null,
    placed: (orderUrl) =>
      deps.store.audit.append(
        { ticketId, actor: 'certdesk', action: 'acme_order_placed', detail: { transitionId, orderUrl, directoryUrl: deps.acme.issuer.directoryUrl } },
        deps.clock.now().getTime(),
      ),
  };
}

/** Why one request (the automatic_requested transition `transitionId`) ended without a certificate. */
interface AutomaticFailure {
  reasons: string[];
  kind: string;
  transitionId: number;
  /** The internal note for the agents, when they have something to look at (checkBundle's findings). */
  note?: string;
}

/** The failure already recorded for this request, if any (the automatic_failed transition's context). */
async function recordedFailure(deps: AcmeDeps, ticketId: number, transitionId: number): Promise<AutomaticFailure | null> {
  const t = (await deps.store.transitions.forTicket(ticketId)).find((r) => r.event === 'automatic_failed' && r.context.transitionId === transitionId);
  return t ? (t.context as unknown as AutomaticFailure) : null;
}

/**
 * Records the failure first, then tells: the record is what a retry finds, so a Zendesk update
 * refused after it never sends the job back to the CA for another order.
 */
async function giveUp(deps: AcmeDeps, renewal: RenewalRecord, failure: AutomaticFailure): Promise<void> {
  const t = await recordTransition(deps, renewal.ticketId, renewal, { type: 'automatic_failed' }, { context: { ...failure } });
  if (t) await performTransition(deps, t);
  await tellFailure(deps, renewal.ticketId, renewal.site!, failure);
}

/** The agents' note (if any) and the customer's comment, once per request each (keyed by the transition). */
async function tellFailure(deps: AcmeDeps, ticketId: number, site: string, failure: AutomaticFailure): Promise<void> {
  if (failure.note) {
    await postOnce(deps, {
      key: `acme:${failure.transitionId}:note_rejected_by_checks`,
      ticketId,
      kind: 'note_acme_rejected_by_checks',
      public: false,
      body: failure.note,
    });
  }
  await postOnce(deps, {
    key: `acme:${failure.transitionId}:comment_automatic_failed`,
    ticketId,
    kind: 'comment_automatic_failed',
    body: automaticFailedComment({ site, reasons: failure.reasons }).body,
    public: true,
    status: await deps.statuses.forState('awaiting_certificate'),
    ...tagChangeFor(STATE_TAGS.csr_sent),
  });
}
