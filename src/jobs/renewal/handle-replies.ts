import type { ZendeskComment } from '../../ports/zendesk.js';
import type { RenewalRecord } from '../../adapters/store/renewal-repository.js';
import { redactPrivateKeysHtml } from '../../core/redaction/redact-private-keys-html.js';
import { newCustomerComments, lastCommentId, type TicketSnapshot } from './read-ticket.js';
import { checkReply, seemsToCarryCertificate, type ReplyCheck } from './check-reply.js';
import { recordTransition } from './record-transition.js';
import { performTransition } from './perform-transition.js';
import type { RenewalDeps } from './renewal-deps.js';

/**
 * Replies on a renewal past intake, oldest first. While certdesk waits for the certificate, every
 * customer reply is a try: its bundle is checked and answered (a reply with no certificate gets a
 * helpful answer too), a private key in it is redacted at once. Once a certificate was accepted,
 * replies are left to agents; one that seems to carry a certificate gets an internal note.
 */
export async function handleReplies(deps: RenewalDeps, snapshot: TicketSnapshot, renewal: RenewalRecord): Promise<void> {
  const { store } = deps;
  for (const reply of newCustomerComments(snapshot, renewal.lastCommentId)) {
    const current = store.renewals.get(renewal.ticketId)!;
    if (reply.id <= current.lastCommentId) continue;
    if (current.state === 'awaiting_certificate') {
      await handleSubmission(deps, current, reply);
    } else if ((current.state === 'installing' || current.state === 'installed') && seemsToCarryCertificate(reply)) {
      const t = recordTransition(deps, current.ticketId, current, { type: 'certificate_after_acceptance' }, { patch: { lastCommentId: reply.id }, context: { commentId: reply.id } });
      if (t) await performTransition(deps, t);
    }
  }
  const latest = store.renewals.get(renewal.ticketId)!;
  const last = lastCommentId(snapshot);
  if (last > latest.lastCommentId) store.renewals.update(latest.ticketId, { lastCommentId: last }, deps.clock.now().getTime());
}

async function handleSubmission(deps: RenewalDeps, renewal: RenewalRecord, reply: ZendeskComment): Promise<void> {
  const check = await checkReply(deps, renewal, reply);
  const { report } = check;
  deps.metrics.counter('certdesk_bundle_validations_total', 'Submitted bundles validated, by outcome.').inc({ outcome: report.ok ? 'valid' : 'invalid' });
  const byCode = deps.metrics.counter('certdesk_bundle_findings_total', 'Findings in validated bundles, by code.');
  for (const f of report.findings) byCode.inc({ code: f.code });

  await redactOnce(deps, renewal.ticketId, reply, check);

  const { fullchainPem, ...reportWithoutChainPem } = report;
  const t = recordTransition(deps, renewal.ticketId, renewal, { type: report.ok ? 'bundle_valid' : 'bundle_invalid' }, {
    patch: {
      lastCommentId: reply.id,
      findings: reportWithoutChainPem,
      ...(report.ok && fullchainPem && report.leaf ? { fullchainPem, certificate: { leaf: report.leaf, chain: report.chain } } : {}),
    },
    context: { commentId: reply.id, report: reportWithoutChainPem, skipped: check.skipped },
  });
  if (t) await performTransition(deps, t);
}

/**
 * Removes a private key the customer sent — text or attachment — through Zendesk's redaction API,
 * before anything else is said about the reply. Done once per comment; the key itself is never
 * stored or logged, only which files held one.
 */
async function redactOnce(deps: RenewalDeps, ticketId: number, reply: ZendeskComment, check: ReplyCheck): Promise<void> {
  const { keyInText, attachmentUrls } = check.redaction;
  if (!keyInText && attachmentUrls.length === 0) return;
  const key = `redact:c${reply.id}`;
  if (deps.store.effects.isDone(key)) return;
  const htmlBody = keyInText ? redactPrivateKeysHtml(reply.html_body) : null;
  await deps.zendesk.redactComment(ticketId, reply.id, { ...(htmlBody ? { htmlBody } : {}), ...(attachmentUrls.length ? { attachmentUrls } : {}) });
  const now = deps.clock.now().getTime();
  deps.store.transaction(() => {
    deps.store.effects.markDone(key, ticketId, 'redact_private_key', now);
    deps.store.audit.append({ ticketId, actor: 'certdesk', action: 'private_key_redacted', detail: { commentId: reply.id, files: check.report.privateKeyFiles, text: keyInText, attachments: attachmentUrls.length } }, now);
  });
  deps.metrics.counter('certdesk_private_keys_redacted_total', 'Comments from which a private key a customer sent was redacted.').inc();
  deps.logger.warn({ ticketId, commentId: reply.id, files: check.report.privateKeyFiles }, 'a customer sent a private key; it was redacted from the ticket');
}
