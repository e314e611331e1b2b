import { NonRetryableError } from '../../lib/errors.js';
import { lookupSite, type DomainRegistry } from '../registry/domain-registry.js';
import { LINKED_TAG } from '../proactive/proactive-tags.js';
import type { BundleReport } from '../bundle/types.js';
import type { RenewalProblem } from '../request/types.js';
import { mailRecipients, type Notification } from '../mail/notification.js';
import type { CommentText } from '../messages/types.js';
import { needsInfoComment } from '../messages/needs-info-comment.js';
import { rejectedComment } from '../messages/rejected-comment.js';
import { needsReviewInternalNote, needsReviewPublicComment, type NeedsReviewInput } from '../messages/needs-review-comments.js';
import { csrComment } from '../messages/csr-comment.js';
import { linkedToRenewalComment } from '../messages/proactive-comments.js';
import { bundleInvalidComment, certificateIgnoredNote, certificateSummaryNote, installingComment, type SkippedFile } from '../messages/bundle-comments.js';
import { installedComment, installFailedNote, retryingInstallNote } from '../messages/install-comments.js';
import { commandIgnoredNote } from '../messages/command-ignored-note.js';
import { withKeyNotice, type KeyNotice } from '../messages/key-exposed-comments.js';
import { ALL_STATE_TAGS, STATE_TAGS, tagChangeFor, type RenewalState } from './renewal-states.js';
import type { StatusState } from './status-table.js';
import type { TicketStatus } from './ticket-status.js';
import type { Effect } from './transitions.js';
import type { RenewalRecord } from './renewal-record.js';

/**
 * What each effect of the workflow table (transitions.ts) is, as data: a public comment or an
 * internal note with the status and tags it sets, its message and the e-mail that goes with it — or
 * one of the few effects that are not a ticket update. jobs/renewal/perform-transition.ts performs
 * them, each at most once. Pure.
 */

/** What an effect is built from: the recorded transition, and the renewal as read just before the effect. */
export interface EffectFacts {
  transition: { id: number; ticketId: number; from: string; to: RenewalState; context: Record<string, unknown> };
  renewal: Pick<RenewalRecord, 'ticketId' | 'site' | 'fields' | 'problems' | 'csrPem' | 'csrSpkiSha256'>;
  now: Date;
  registry: DomainRegistry;
  /** The customer's link to a ticket (help center request; the sandbox's page), when there is one. */
  ticketLink: (ticketId: number) => string | null;
}

/**
 * The status a ticket update sets: the account's status for a renewal state (`AccountStatuses`:
 * DESIGN §1's table with the account's and the operator's changes), or a fixed one.
 */
export type EffectStatus = { ofState: StatusState } | { fixed: TicketStatus };

interface TicketUpdate {
  status?: EffectStatus;
  /** Shared by every transition: read, never changed. */
  tags?: { readonly addTags: readonly string[]; readonly removeTags: readonly string[] };
  message: (facts: EffectFacts) => CommentText;
  /** Files attached to the comment. */
  files?: (facts: EffectFacts) => { name: string; contentType: string; text: string }[];
  /** The e-mail that goes with the update: at most one per transition, and only when SMTP is configured. */
  notification?: (facts: EffectFacts) => Notification;
}

export interface PublicComment extends TicketUpdate {
  kind: 'public_comment';
  /**
   * Whether the comment also tells the customer about a private key they sent with the request
   * (`context.keyNotice`, recorded by guard-private-keys.ts): true for the answers to a request.
   */
  keyNotice: boolean;
}

export interface InternalNote extends TicketUpdate {
  kind: 'internal_note';
}

export type EffectDefinition =
  | PublicComment
  | InternalNote
  /** Retire the current key (if any), generate a new key pair and CSR (issue-key-and-csr.ts). */
  | { kind: 'key_generation' }
  /** Queue the install job of the transition's renewal. */
  | { kind: 'enqueue_install' }
  /** Remove a tag from the ticket (no comment). */
  | { kind: 'remove_tag'; tag: (facts: EffectFacts) => string };

/** Exactly one definition for each effect: a missing or an unknown effect does not compile. */
export type EffectTable = { readonly [E in Effect]: EffectDefinition };

/** The exactly-once key of an effect of a transition (`mail` for its e-mail), in the store's effect log. */
export const effectKey = (transitionId: number, effect: string): string => `tr:${transitionId}:${effect}`;

const site = ({ renewal }: EffectFacts): string => {
  if (!renewal.site) throw new NonRetryableError(`renewal ${renewal.ticketId} has no site`);
  return renewal.site;
};

/** The request's contact and the site's registry contacts. */
const contacts = ({ renewal, registry }: EffectFacts): string[] =>
  mailRecipients([renewal.fields.email], renewal.site ? lookupSite(registry, renewal.site)?.contacts : []);

/** The CSR the renewal's current key was issued with (created by `generate_key_and_csr` just before). */
function csrOf(facts: EffectFacts): { site: string; csrPem: string; spkiSha256: string } {
  const { csrPem, csrSpkiSha256 } = facts.renewal;
  if (!csrPem || !csrSpkiSha256) throw new NonRetryableError(`renewal ${facts.transition.ticketId} has no CSR to send`);
  return { site: site(facts), csrPem, spkiSha256: csrSpkiSha256 };
}

/** The submission a bundle transition was decided on, as recorded in its context. */
function submission({ transition }: EffectFacts): { report: BundleReport; skipped: SkippedFile[] } {
  const { report, skipped } = transition.context as { report?: BundleReport; skipped?: SkippedFile[] };
  if (!report) throw new NonRetryableError(`transition ${transition.id} carries no bundle report`);
  return { report, skipped: skipped ?? [] };
}

/** The installed certificate, as the install job recorded it. */
function installed({ transition }: EffectFacts): { notAfter: string; sha256: string } {
  const { notAfter, sha256 } = transition.context as { notAfter: string; sha256: string };
  return { notAfter, sha256 };
}
const installFailure = ({ transition }: EffectFacts) =>
  transition.context as { error: string; rolledBack: boolean; previousServed: boolean; attempts: number; log: string[] };

/** A state's status and its one state tag, as a ticket update sets them. */
type InState = Required<Pick<TicketUpdate, 'status' | 'tags'>>;
type StateTagName = keyof typeof STATE_TAGS;

/**
 * The status and tags of an update that puts the renewal in `state`: the account's status for the
 * state, and its tag as the one state tag on the ticket. `awaiting_certificate` has no tag of its
 * own: its step's is given (`csr_sent`, `bundle_invalid`).
 */
function inState(state: StatusState & StateTagName): InState;
function inState(state: StatusState, tag: StateTagName): InState;
function inState(state: StatusState, tag = state as StateTagName): InState {
  return { status: { ofState: state }, tags: tagChangeFor(STATE_TAGS[tag]) };
}

/** The effects, in the order of the `Effect` type. DESIGN §1 gives each state's comment, tag and status. */
export const EFFECTS = {
  /** Lists each problem of the request by field, with the form to fill again. */
  comment_needs_info: {
    kind: 'public_comment',
    keyNotice: true,
    ...inState('needs_info'),
    message: ({ renewal }) => needsInfoComment(renewal.problems as RenewalProblem[], renewal.fields),
  },
  /** Explains that new my.domains can no longer be requested. */
  comment_rejected: {
    kind: 'public_comment',
    keyNotice: true,
    ...inState('rejected'),
    message: (facts) => rejectedComment(site(facts)),
  },
  /** Short: an agent is checking (who owns the site is for agents, in the note that follows). */
  comment_needs_review: {
    kind: 'public_comment',
    keyNotice: true,
    ...inState('needs_review'),
    message: () => needsReviewPublicComment(),
  },
  /** Why the renewal waits for an agent: the ticket's organization and the site's owner. */
  note_needs_review: {
    kind: 'internal_note',
    message: ({ transition }) => needsReviewInternalNote(transition.context as unknown as NeedsReviewInput),
  },
  generate_key_and_csr: { kind: 'key_generation' },
  /** The CSR inline and attached as `<site>.csr`, with purchase guidance; the CSR e-mailed to the contacts. */
  comment_csr: {
    kind: 'public_comment',
    keyNotice: true,
    ...inState('awaiting_certificate', 'csr_sent'),
    message: (facts) => {
      const { site, csrPem, spkiSha256 } = csrOf(facts);
      const issuance = lookupSite(facts.registry, site)?.issuance ?? 'customer';
      return csrComment({
        site,
        csrPem,
        spkiSha256,
        organizationalUnitGiven: Boolean(facts.renewal.fields.organizationalUnit),
        now: facts.now,
        automaticOffer: ['offer', 'acme'].includes(issuance),
      });
    },
    files: (facts) => {
      const { site, csrPem } = csrOf(facts);
      return [{ name: `${site}.csr`, contentType: 'application/pkcs10', text: csrPem }];
    },
    notification: (facts) => {
      const { site, csrPem, spkiSha256 } = csrOf(facts);
      return { kind: 'csr_ready', ticketId: facts.transition.ticketId, site, to: contacts(facts), csrPem, spkiSha256 };
    },
  },
  /** Links to the ticket where the site's renewal is in progress; this ticket is solved. */
  comment_linked: {
    kind: 'public_comment',
    keyNotice: true,
    status: { fixed: 'solved' },
    tags: { addTags: [LINKED_TAG], removeTags: [...ALL_STATE_TAGS] },
    message: (facts) => {
      const ticketId = Number(facts.transition.context.linkedTicketId);
      return linkedToRenewalComment({ site: site(facts), ticketId, link: facts.ticketLink(ticketId) });
    },
  },
  /** Lists every finding of the submitted files, in plain words. */
  comment_bundle_invalid: {
    kind: 'public_comment',
    keyNotice: false,
    ...inState('awaiting_certificate', 'bundle_invalid'),
    message: (facts) => {
      const { report, skipped } = submission(facts);
      return bundleInvalidComment({ site: site(facts), report, skipped });
    },
  },
  /** "Received and valid, installing" — then the summary note. */
  comment_installing: {
    kind: 'public_comment',
    keyNotice: false,
    ...inState('installing'),
    message: (facts) => {
      const { report, skipped } = submission(facts);
      return installingComment({ site: site(facts), leaf: report.leaf!, report, skipped });
    },
  },
  /** The accepted certificate in detail, for agents. */
  note_certificate_summary: {
    kind: 'internal_note',
    message: (facts) => certificateSummaryNote({ site: site(facts), report: submission(facts).report }),
  },
  /** That the installation is retried (an agent's command). */
  note_retrying_install: {
    kind: 'internal_note',
    ...inState('installing'),
    message: (facts) => retryingInstallNote({ site: site(facts) }),
  },
  enqueue_install: { kind: 'enqueue_install' },
  /** The new expiry (and that the DNS CNAME needs no change); e-mailed to the contacts. */
  comment_installed: {
    kind: 'public_comment',
    keyNotice: false,
    ...inState('installed'),
    message: (facts) => installedComment({ site: site(facts), ...installed(facts) }),
    notification: (facts) => ({ kind: 'installed', ticketId: facts.transition.ticketId, site: site(facts), to: contacts(facts), ...installed(facts) }),
  },
  /** The error and what was rolled back (the old certificate keeps serving); e-mailed to OPS_EMAIL. */
  note_install_failed: {
    kind: 'internal_note',
    ...inState('install_failed'),
    message: (facts) => installFailedNote({ site: site(facts), ...installFailure(facts) }),
    notification: (facts) => ({ kind: 'install_failed', ticketId: facts.transition.ticketId, site: site(facts), error: installFailure(facts).error }),
  },
  /** The reply carries a certificate, but the renewal is past that step. */
  note_certificate_ignored: {
    kind: 'internal_note',
    message: ({ transition }) => certificateIgnoredNote({ state: transition.to === 'installed' ? 'installed' : 'installing' }),
  },
  /** The agent's command does nothing in this state, and why. */
  note_command_ignored: {
    kind: 'internal_note',
    message: ({ transition }) => commandIgnoredNote(String(transition.context.tag), transition.from === 'new' ? 'ignored' : transition.from),
  },
  /** The agent's command tag, once certdesk has acted on it. */
  remove_command_tag: { kind: 'remove_tag', tag: ({ transition }) => String(transition.context.tag) },
} satisfies EffectTable;

/** The comment's text: its message, and the key notice where the effect carries one and the transition has one. */
export function commentBody(definition: PublicComment | InternalNote, facts: EffectFacts): string {
  const { body } = definition.message(facts);
  return definition.kind === 'public_comment' && definition.keyNotice ? withKeyNotice(body, facts.transition.context.keyNotice as KeyNotice | undefined) : body;
}
