import type { TicketEvent, TicketSnapshotHint } from './normalize-zendesk-event.js';
import { RENEWAL_TAG } from '../workflow/renewal-states.js';

/**
 * False when an event's own payload already proves that its ticket is none of certdesk's business:
 * the snapshot shows a priority other than the renewal priority and no `cert_renewal` tag (nor any
 * `cert_renewal_*` tag: states, agent commands, proactive tickets), and the event adds none. Such an event is dropped at the door ("no firehose": no job, no
 * Zendesk call) unless the store already holds a renewal for the ticket, which the caller checks.
 * A payload that does not show the priority (trigger payloads) always concerns renewals: the job
 * reads the ticket to find out. A ticket whose priority is changed to the renewal priority later
 * sends a `priority_changed` event whose snapshot shows the new priority, so it is not dropped. Pure.
 */
export function mayConcernRenewals(event: TicketEvent, hint: TicketSnapshotHint | null, renewalPriority: string): boolean {
  if (!hint) return true;
  if (hint.priority === renewalPriority.toLowerCase()) return true;
  return hint.tags.some(isCertdeskTag) || event.tagsAdded.some(isCertdeskTag);
}

/** `cert_renewal` and every tag of certdesk's family (states, agent commands, proactive tickets). */
function isCertdeskTag(tag: string): boolean {
  return tag === RENEWAL_TAG || tag.startsWith(`${RENEWAL_TAG}_`);
}
