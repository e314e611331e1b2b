import type { ZendeskComment } from '../../ports/zendesk.js';
import type { RenewalRecord } from '../../adapters/store/renewal-repository.js';
import { finding } from '../../core/bundle/findings.js';
import type { BundleReport } from '../../core/bundle/types.js';
import { keyFoundMessage } from '../../core/messages/key-exposed-comments.js';
import { newCustomerComments, lastCommentId, type TicketSnapshot } from './read-ticket.js';
import { checkReply, PASTED_TEXT, seemsToCarryCertificate } from './check-reply.js';
import { giveKeyNoticeAlone, inspectComment, markKeyNoticeGiven, pendingKeyNotice, redactCommentKeys, type CommentKeys } from './guard-private-keys.js';
import { recordTransition } from './record-transition.js';
import { performTransition } from './perform-transition.js';
import type { RenewalDeps } from './renewal-deps.js';

/**
 * Replies on a renewal past intake, oldest first. A private key in any reply is redacted at once,
 * whatever the state, and the customer told once. While certdesk waits for the certificate, every
 * customer reply is a try: its bundle is checked and answered (a reply with no certificate gets a
 * helpful answer too; the key is named among its findings). Once a certificate was accepted,
 * replies are left to agents; one that seems to carry a certificate gets an internal note, one
 * that carries a key gets its own short public comment about the key.
 */
export async function handleReplies(deps: RenewalDeps, snapshot: TicketSnapshot, renewal: RenewalRecord): Promise<void> {
  const { store } = deps;
  for (const reply of newCustomerComments(snapshot, renewal.lastCommentId)) {
    const current = store.renewals.get(renewal.ticketId)!;
    if (reply.id <= current.lastCommentId) continue;
    if (current.state === 'awaiting_certificate') {
      await handleSubmission(deps, current, reply);
      continue;
    }
    await redactCommentKeys(deps, current.ticketId, reply, await inspectComment(deps, reply));
    await giveKeyNoticeAlone(deps, current.ticketId);
    if ((current.state === 'installing' || current.state === 'installed') && seemsToCarryCertificate(reply)) {
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
  const keys = await inspectComment(deps, reply, { downloaded: check.downloaded, ...check.redaction });
  const report = withKeysTheCheckDidNotOpen(check.report, keys);
  deps.metrics.counter('certdesk_bundle_validations_total', 'Submitted bundles validated, by outcome.').inc({ outcome: report.ok ? 'valid' : 'invalid' });
  const byCode = deps.metrics.counter('certdesk_bundle_findings_total', 'Findings in validated bundles, by code.');
  for (const f of report.findings) byCode.inc({ code: f.code });

  // Before anything else is said about the reply.
  await redactCommentKeys(deps, renewal.ticketId, reply, keys);

  const { fullchainPem, ...reportWithoutChainPem } = report;
  const t = recordTransition(deps, renewal.ticketId, renewal, { type: report.ok ? 'bundle_valid' : 'bundle_invalid' }, {
    patch: {
      lastCommentId: reply.id,
      findings: reportWithoutChainPem,
      ...(report.ok && fullchainPem && report.leaf ? { fullchainPem, certificate: { leaf: report.leaf, chain: report.chain } } : {}),
    },
    context: { commentId: reply.id, report: reportWithoutChainPem, skipped: check.skipped },
  });
  // The answer names every key among its findings: that is the customer's notice.
  const pending = pendingKeyNotice(deps, renewal.ticketId);
  if (t && pending) markKeyNoticeGiven(deps, renewal.ticketId, pending.commentIds);
  if (t) await performTransition(deps, t);
}

/**
 * The report with a PRIVATE_KEY_SENT finding for each key the bundle check did not see (a file past
 * its limits, or one it skipped), so that the answer names every key the reply carried.
 */
function withKeysTheCheckDidNotOpen(report: BundleReport, keys: CommentKeys): BundleReport {
  const named = (name: string) => report.findings.some((f) => f.code === 'PRIVATE_KEY_SENT' && (f.file === name || f.message.startsWith(`${name} `)));
  const extra = keys.files.filter((f) => !named(f.name)).map((f) => finding('PRIVATE_KEY_SENT', keyFoundMessage(f.name), f.name));
  if (keys.keyInText && !named(PASTED_TEXT)) extra.push(finding('PRIVATE_KEY_SENT', keyFoundMessage(PASTED_TEXT), PASTED_TEXT));
  return extra.length ? { ...report, findings: [...report.findings, ...extra], privateKeyFiles: [...new Set([...report.privateKeyFiles, ...extra.map((f) => f.file!)])] } : report;
}
