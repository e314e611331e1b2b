import { NonRetryableError } from '../../lib/errors.js';
import type { Effect } from '../../core/workflow/transitions.js';
import { ALL_STATE_TAGS, STATE_TAGS, tagChangeFor } from '../../core/workflow/renewal-states.js';
import { LINKED_TAG } from '../../core/proactive/proactive-tags.js';
import { linkedToRenewalComment } from '../../core/messages/proactive-comments.js';
import type { RenewalRecord, TransitionRecord } from '../../ports/store.js';
import type { RenewalProblem } from '../../core/request/types.js';
import { needsInfoComment } from '../../core/messages/needs-info-comment.js';
import { rejectedComment } from '../../core/messages/rejected-comment.js';
import { needsReviewInternalNote, needsReviewPublicComment, type NeedsReviewInput } from '../../core/messages/needs-review-comments.js';
import { csrComment } from '../../core/messages/csr-comment.js';
import { commandIgnoredNote } from '../../core/messages/command-ignored-note.js';
import { bundleInvalidComment, certificateIgnoredNote, certificateSummaryNote, installingComment, type SkippedFile } from '../../core/messages/bundle-comments.js';
import type { BundleReport } from '../../core/bundle/types.js';
import { installedComment, installFailedNote, retryingInstallNote } from '../../core/messages/install-comments.js';
import { mailRecipients, type Notification } from '../../core/mail/notification.js';
import { enqueueNotification } from '../mail/enqueue-notification.js';
import { lookupSite } from '../../core/registry/domain-registry.js';
import { withKeyNotice, type KeyNotice } from '../../core/messages/key-exposed-comments.js';
import { postOnce } from './post-once.js';
import { issueKeyAndCsr } from './issue-key-and-csr.js';
import type { RenewalDeps } from './renewal-deps.js';
import { INSTALL_JOB } from '../job-kinds.js';

type EffectRunner = (deps: RenewalDeps, t: TransitionRecord, renewal: RenewalRecord) => Promise<void>;

const key = (t: TransitionRecord, effect: Effect) => `tr:${t.id}:${effect}`;

/** The request's contact and the site's registry contacts. */
const contacts = (deps: RenewalDeps, r: RenewalRecord): string[] =>
  mailRecipients([r.fields.email], r.site ? lookupSite(deps.registry, r.site)?.contacts : []);

/**
 * Queues the e-mail that goes with a transition, at most once (keyed by the transition). Mail is a
 * side channel: it never changes the renewal, and it is skipped when SMTP is not configured.
 */
async function notifyOnce(deps: RenewalDeps, t: TransitionRecord, notification: Notification): Promise<void> {
  if (!deps.mail.enabled) return;
  if (notification.kind === 'install_failed' ? !deps.mail.opsEmail : 'to' in notification && notification.to.length === 0) return;
  const effect = `tr:${t.id}:mail`;
  const now = deps.clock.now().getTime();
  await deps.store.transaction(async () => {
    // The check and the enqueue hold the effect's lock: two workers running one transition at once
    // would otherwise both find it not done on PostgreSQL and both queue the e-mail.
    await deps.store.lockForTransaction(effect);
    if (await deps.store.effects.isDone(effect)) return;
    await enqueueNotification(deps.store, notification, now);
    await deps.store.effects.markDone(effect, t.ticketId, `mail_${notification.kind}`, now);
  });
  deps.notify();
}

/** A private key the customer sent with the request: told in the transition's public comment (guard-private-keys.ts). */
const keyNoticeOf = (t: TransitionRecord) => t.context.keyNotice as KeyNotice | undefined;

const site = (r: RenewalRecord): string => {
  if (!r.site) throw new NonRetryableError(`renewal ${r.ticketId} has no site`);
  return r.site;
};

/** What each effect does. Every ticket update goes through `postOnce`; everything is idempotent. */
const EFFECTS: Partial<Record<Effect, EffectRunner>> = {
  comment_needs_info: async (deps, t, r) => {
    await postOnce(deps, {
      key: key(t, 'comment_needs_info'), ticketId: t.ticketId, kind: 'comment_needs_info',
      body: withKeyNotice(needsInfoComment(r.problems as RenewalProblem[], r.fields).body, keyNoticeOf(t)), public: true,
      status: await deps.statuses.forState('needs_info'), ...tagChangeFor(STATE_TAGS.needs_info),
    });
  },
  comment_rejected: async (deps, t, r) => {
    await postOnce(deps, {
      key: key(t, 'comment_rejected'), ticketId: t.ticketId, kind: 'comment_rejected',
      body: withKeyNotice(rejectedComment(site(r)).body, keyNoticeOf(t)), public: true,
      status: await deps.statuses.forState('rejected'), ...tagChangeFor(STATE_TAGS.rejected),
    });
  },
  comment_needs_review: async (deps, t) => {
    await postOnce(deps, {
      key: key(t, 'comment_needs_review'), ticketId: t.ticketId, kind: 'comment_needs_review',
      body: withKeyNotice(needsReviewPublicComment().body, keyNoticeOf(t)), public: true,
      status: await deps.statuses.forState('needs_review'), ...tagChangeFor(STATE_TAGS.needs_review),
    });
  },
  note_needs_review: async (deps, t) => {
    await postOnce(deps, {
      key: key(t, 'note_needs_review'), ticketId: t.ticketId, kind: 'note_needs_review',
      body: needsReviewInternalNote(t.context as unknown as NeedsReviewInput).body, public: false,
    });
  },
  generate_key_and_csr: (deps, t) => issueKeyAndCsr(deps, t),
  comment_csr: async (deps, t) => {
    // Read again: the key and CSR were just created by the previous effect.
    const r = (await deps.store.renewals.get(t.ticketId))!;
    if (!r.csrPem || !r.csrSpkiSha256) throw new NonRetryableError(`renewal ${t.ticketId} has no CSR to send`);
    const csrPem = r.csrPem;
    await postOnce(deps, {
      key: key(t, 'comment_csr'), ticketId: t.ticketId, kind: 'comment_csr',
      body: withKeyNotice(csrComment({ site: site(r), csrPem, spkiSha256: r.csrSpkiSha256, organizationalUnitGiven: Boolean(r.fields.organizationalUnit), now: deps.clock.now(), automaticOffer: ['offer', 'acme'].includes(lookupSite(deps.registry, site(r))?.issuance ?? 'customer') }).body, keyNoticeOf(t)),
      public: true, status: await deps.statuses.forState('awaiting_certificate'), ...tagChangeFor(STATE_TAGS.csr_sent),
      files: async () => [{ name: `${site(r)}.csr`, contentType: 'application/pkcs10', data: Buffer.from(csrPem) }],
    });
    await notifyOnce(deps, t, { kind: 'csr_ready', ticketId: t.ticketId, site: site(r), to: contacts(deps, r), csrPem, spkiSha256: r.csrSpkiSha256 });
  },
  comment_linked: async (deps, t, r) => {
    const ticketId = Number(t.context.linkedTicketId);
    await postOnce(deps, {
      key: key(t, 'comment_linked'), ticketId: t.ticketId, kind: 'comment_linked',
      body: withKeyNotice(linkedToRenewalComment({ site: site(r), ticketId, link: deps.ticketLink?.(ticketId) ?? null }).body, keyNoticeOf(t)), public: true,
      status: 'solved', addTags: [LINKED_TAG], removeTags: [...ALL_STATE_TAGS],
    });
  },
  comment_bundle_invalid: async (deps, t, r) => {
    const { report, skipped } = submission(t);
    await postOnce(deps, {
      key: key(t, 'comment_bundle_invalid'), ticketId: t.ticketId, kind: 'comment_bundle_invalid',
      body: bundleInvalidComment({ site: site(r), report, skipped }).body, public: true,
      status: await deps.statuses.forState('awaiting_certificate'), ...tagChangeFor(STATE_TAGS.bundle_invalid),
    });
  },
  comment_installing: async (deps, t, r) => {
    const { report, skipped } = submission(t);
    await postOnce(deps, {
      key: key(t, 'comment_installing'), ticketId: t.ticketId, kind: 'comment_installing',
      body: installingComment({ site: site(r), leaf: report.leaf!, report, skipped }).body, public: true,
      status: await deps.statuses.forState('installing'), ...tagChangeFor(STATE_TAGS.installing),
    });
  },
  note_certificate_summary: async (deps, t, r) => {
    await postOnce(deps, {
      key: key(t, 'note_certificate_summary'), ticketId: t.ticketId, kind: 'note_certificate_summary',
      body: certificateSummaryNote({ site: site(r), report: submission(t).report }).body, public: false,
    });
  },
  enqueue_install: async (deps, t) => {
    const effect = key(t, 'enqueue_install');
    const now = deps.clock.now().getTime();
    await deps.store.transaction(async () => {
      await deps.store.lockForTransaction(effect); // as in notifyOnce: one install job, not one per worker
      if (await deps.store.effects.isDone(effect)) return;
      await deps.store.jobs.enqueue(INSTALL_JOB, { ticketId: t.ticketId, transitionId: t.id }, now, { serialKey: `ticket:${t.ticketId}` });
      await deps.store.effects.markDone(effect, t.ticketId, 'enqueue_install', now);
    });
    deps.notify();
  },
  note_certificate_ignored: async (deps, t) => {
    await postOnce(deps, {
      key: key(t, 'note_certificate_ignored'), ticketId: t.ticketId, kind: 'note_certificate_ignored',
      body: certificateIgnoredNote({ state: t.to === 'installed' ? 'installed' : 'installing' }).body, public: false,
    });
  },
  comment_installed: async (deps, t, r) => {
    const { sha256, notAfter } = t.context as { sha256: string; notAfter: string };
    await postOnce(deps, {
      key: key(t, 'comment_installed'), ticketId: t.ticketId, kind: 'comment_installed',
      body: installedComment({ site: site(r), notAfter, sha256 }).body, public: true,
      status: await deps.statuses.forState('installed'), ...tagChangeFor(STATE_TAGS.installed),
    });
    await notifyOnce(deps, t, { kind: 'installed', ticketId: t.ticketId, site: site(r), to: contacts(deps, r), notAfter, sha256 });
  },
  note_install_failed: async (deps, t, r) => {
    const c = t.context as { error: string; rolledBack: boolean; previousServed: boolean; attempts: number; log: string[] };
    await postOnce(deps, {
      key: key(t, 'note_install_failed'), ticketId: t.ticketId, kind: 'note_install_failed',
      body: installFailedNote({ site: site(r), ...c }).body, public: false,
      status: await deps.statuses.forState('install_failed'), ...tagChangeFor(STATE_TAGS.install_failed),
    });
    await notifyOnce(deps, t, { kind: 'install_failed', ticketId: t.ticketId, site: site(r), error: c.error });
  },
  note_retrying_install: async (deps, t, r) => {
    await postOnce(deps, {
      key: key(t, 'note_retrying_install'), ticketId: t.ticketId, kind: 'note_retrying_install',
      body: retryingInstallNote({ site: site(r) }).body, public: false,
      status: await deps.statuses.forState('installing'), ...tagChangeFor(STATE_TAGS.installing),
    });
  },
  note_command_ignored: async (deps, t) => {
    const tag = String(t.context.tag);
    await postOnce(deps, {
      key: key(t, 'note_command_ignored'), ticketId: t.ticketId, kind: 'note_command_ignored',
      body: commandIgnoredNote(tag, t.from === 'new' ? 'ignored' : t.from).body, public: false,
    });
  },
  remove_command_tag: async (deps, t) => {
    await deps.zendesk.removeTags(t.ticketId, [String(t.context.tag)]);
    await deps.store.effects.markDone(key(t, 'remove_command_tag'), t.ticketId, 'remove_command_tag', deps.clock.now().getTime());
  },
};


/** The submission a bundle transition was decided on, as recorded in its context. */
function submission(t: TransitionRecord): { report: BundleReport; skipped: SkippedFile[] } {
  const { report, skipped } = t.context as { report?: BundleReport; skipped?: SkippedFile[] };
  if (!report) throw new NonRetryableError(`transition ${t.id} carries no bundle report`);
  return { report, skipped: skipped ?? [] };
}

/**
 * Performs a recorded transition's effects in order, then marks it done. Re-running it after a
 * crash repeats nothing that was already done (each effect is keyed by the transition).
 */
export async function performTransition(deps: RenewalDeps, t: TransitionRecord): Promise<void> {
  for (const effect of t.effects) {
    const run = EFFECTS[effect];
    if (!run) throw new NonRetryableError(`no implementation for the "${effect}" effect`);
    const renewal = await deps.store.renewals.get(t.ticketId);
    if (!renewal) throw new NonRetryableError(`renewal ${t.ticketId} vanished`);
    await run(deps, t, renewal);
  }
  await deps.store.transitions.complete(t.id, deps.clock.now().getTime());
}

/** Finishes whatever a previous attempt left pending for this ticket, oldest first. */
export async function finishPendingTransitions(deps: RenewalDeps, ticketId: number): Promise<void> {
  for (const t of await deps.store.transitions.pending(ticketId)) await performTransition(deps, t);
}
