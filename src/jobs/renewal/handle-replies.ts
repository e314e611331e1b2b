import type { ZendeskComment } from '../../ports/zendesk.js';
import type { RenewalRecord } from '../../ports/store.js';
import { finding } from '../../core/bundle/findings.js';
import type { BundleReport } from '../../core/bundle/types.js';
import { KEY_OF_SENT_CERTIFICATE, keyFoundMessage, type KeyNotice } from '../../core/messages/key-exposed-comments.js';
import { newCustomerComments, lastCommentId, type TicketSnapshot } from './read-ticket.js';
import { checkReply, PASTED_TEXT, seemsToCarryCertificate } from './check-reply.js';
import { giveKeyNoticeAlone, inspectComment, markKeyNoticeGiven, pendingKeyNotice, redactCommentKeys, TEXT_PLACE } from './guard-private-keys.js';
import { recordTransition } from './record-transition.js';
import { performTransition } from './perform-transition.js';
import type { RenewalDeps } from './renewal-deps.js';
import { isAutomaticRequest, requestAutomatic } from '../acme/request-automatic.js';
import { changeDetails } from './change-details.js';

/**
 * Replies on a renewal past intake, oldest first. A private key in any reply is redacted at once,
 * whatever the state, and the customer told once. While certdesk waits for the certificate, every
 * customer reply is a try: its bundle is checked and answered (a reply with no certificate gets a
 * helpful answer too; the key is named among its findings), unless it changes the request's details,
 * which brings a new CSR (change-details.ts). Once a certificate was accepted,
 * replies are left to agents; one that seems to carry a certificate gets an internal note, one
 * that carries a key gets its own short public comment about the key. A reply "automatic" on a
 * site that offers ACME orders the certificate instead (src/jobs/acme/request-automatic.ts).
 */
export async function handleReplies(deps: RenewalDeps, snapshot: TicketSnapshot, renewal: RenewalRecord): Promise<void> {
  const { store } = deps;
  for (const reply of newCustomerComments(snapshot, renewal.lastCommentId)) {
    const current = (await store.renewals.get(renewal.ticketId))!;
    if (reply.id <= current.lastCommentId) continue;
    if (current.state === 'awaiting_certificate') {
      if (isAutomaticRequest(deps, current, reply)) {
        await redactCommentKeys(deps, current.ticketId, reply, await inspectComment(deps, reply));
        await giveKeyNoticeAlone(deps, current.ticketId);
        await requestAutomatic(deps, current, reply);
      } else if (!(await changeDetails(deps, current, reply))) {
        await handleSubmission(deps, current, reply);
      }
      continue;
    }
    await redactCommentKeys(deps, current.ticketId, reply, await inspectComment(deps, reply));
    await giveKeyNoticeAlone(deps, current.ticketId);
    if ((current.state === 'installing' || current.state === 'installed') && seemsToCarryCertificate(reply)) {
      const t = await recordTransition(
        deps,
        current.ticketId,
        current,
        { type: 'certificate_after_acceptance' },
        { patch: { lastCommentId: reply.id }, context: { commentId: reply.id } },
      );
      if (t) await performTransition(deps, t);
    }
  }
  const latest = (await store.renewals.get(renewal.ticketId))!;
  const last = lastCommentId(snapshot);
  if (last > latest.lastCommentId) await store.renewals.update(latest.ticketId, { lastCommentId: last }, deps.clock.now().getTime());
}

async function handleSubmission(deps: RenewalDeps, renewal: RenewalRecord, reply: ZendeskComment): Promise<void> {
  const check = await checkReply(deps, renewal, reply);
  // Before anything else is said about the reply.
  await redactCommentKeys(deps, renewal.ticketId, reply, await inspectComment(deps, reply, { downloaded: check.downloaded, ...check.redaction }));
  const pending = await pendingKeyNotice(deps, renewal.ticketId);
  const report = pending ? withEveryKeyNamed(check.report, pending.notice) : check.report;
  deps.metrics.counter('certdesk_bundle_validations_total', 'Submitted bundles validated, by outcome.').inc({ outcome: report.ok ? 'valid' : 'invalid' });
  const byCode = deps.metrics.counter('certdesk_bundle_findings_total', 'Findings in validated bundles, by code.');
  for (const f of report.findings) byCode.inc({ code: f.code });

  const { fullchainPem, ...reportWithoutChainPem } = report;
  const t = await recordTransition(
    deps,
    renewal.ticketId,
    renewal,
    { type: report.ok ? 'bundle_valid' : 'bundle_invalid' },
    {
      patch: {
        lastCommentId: reply.id,
        findings: reportWithoutChainPem,
        ...(report.ok && fullchainPem && report.leaf ? { fullchainPem, certificate: { leaf: report.leaf, chain: report.chain } } : {}),
      },
      context: { commentId: reply.id, report: reportWithoutChainPem, skipped: check.skipped },
      // The answer names every key among its findings: that is the customer's notice, recorded in the
      // transition's own transaction so that a failure between the two cannot tell them twice.
      ...(pending ? { alongside: () => markKeyNoticeGiven(deps, renewal.ticketId, pending.commentIds) } : {}),
    },
  );
  if (t) await performTransition(deps, t);
}

/**
 * The report with a PRIVATE_KEY_SENT finding for every place a key was found that the bundle check
 * did not name itself (a file past its limits or skipped, a key redacted before a retry), so that
 * the answer names every key the customer is owed a word about.
 */
function withEveryKeyNamed(report: BundleReport, notice: KeyNotice): BundleReport {
  const named = (name: string) => report.findings.some((f) => f.code === 'PRIVATE_KEY_SENT' && (f.file === name || f.message.startsWith(`${name} `)));
  const extra = notice.places
    .map((p) => (p === TEXT_PLACE ? PASTED_TEXT : p))
    .filter((p) => !named(p))
    .map((p) => finding('PRIVATE_KEY_SENT', keyFoundMessage(p), p));
  const files = [...new Set([...report.privateKeyFiles, ...extra.map((f) => f.file!)])];
  if (notice.ofSentCertificate) extra.push(finding('PRIVATE_KEY_SENT', KEY_OF_SENT_CERTIFICATE));
  return extra.length ? { ...report, findings: [...report.findings, ...extra], privateKeyFiles: files } : report;
}
