import type { ZendeskComment } from '../../ports/zendesk.js';
import type { RenewalRecord } from '../../ports/store.js';
import { parseRenewalRequest } from '../../core/request/parse-renewal-request.js';
import { mergeRenewalFields } from '../../core/request/merge-renewal-fields.js';
import { findProblems } from '../../core/request/find-problems.js';
import type { RenewalFields } from '../../core/request/types.js';
import { seemsToCarryCertificate } from './check-reply.js';
import { giveKeyNoticeAlone, inspectComment, redactCommentKeys } from './guard-private-keys.js';
import { recordTransition } from './record-transition.js';
import { performTransition } from './perform-transition.js';
import type { RenewalDeps } from './renewal-deps.js';

/** The fields the CSR is made from: a change to one of them needs a new CSR. */
const CSR_FIELDS = ['country', 'state', 'locality', 'organization'] as const;

/**
 * A reply while the certificate is awaited that carries no certificate but gives request fields
 * that change the CSR's details ("reply only if something changed", as the proactive ticket says):
 * the renewal takes the new details and a new key and CSR are sent (`details_changed`). Fields that
 * are invalid, or a different site, are not a change certdesk makes on its own: the reply is then
 * answered as any other. Returns true when it acted.
 */
export async function changeDetails(deps: RenewalDeps, renewal: RenewalRecord, reply: ZendeskComment): Promise<boolean> {
  if (seemsToCarryCertificate(reply)) return false;
  const parsed = parseRenewalRequest({ text: reply.body || reply.plain_body, html: reply.html_body });
  const current = renewal.fields as RenewalFields;
  const merged = mergeRenewalFields(current, parsed.fields);
  if (!CSR_FIELDS.some((f) => (merged[f] ?? '') !== (current[f] ?? ''))) return false;
  if ((merged.siteUrl && merged.siteUrl !== renewal.site) || findProblems(merged).length > 0) return false;
  await redactCommentKeys(deps, renewal.ticketId, reply, await inspectComment(deps, reply));
  await giveKeyNoticeAlone(deps, renewal.ticketId);
  const t = await recordTransition(
    deps,
    renewal.ticketId,
    renewal,
    { type: 'details_changed' },
    {
      patch: { fields: merged as Record<string, string>, lastCommentId: reply.id },
      context: { commentId: reply.id, changed: CSR_FIELDS.filter((f) => (merged[f] ?? '') !== (current[f] ?? '')) },
    },
  );
  if (t) await performTransition(deps, t);
  return true;
}
