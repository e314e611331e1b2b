import type { CycleCertificate, ProactiveAction, ReminderKind } from '../../core/proactive/decide-proactive.js';
import type { RegistryEntry } from '../../core/registry/domain-registry.js';
import { expiryEscalationNote, expiryReminderComment } from '../../core/messages/proactive-comments.js';
import { mailRecipients, type Notification } from '../../core/mail/notification.js';
import { enqueueNotification } from '../mail/enqueue-notification.js';
import { postOnce } from '../renewal/post-once.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import type { ProactiveDeps } from './proactive-deps.js';

const effectKey = (site: string, cert: CycleCertificate, kind: ReminderKind) => `proactive:${site}:${cert.sha256}:${kind}`;

/** Zendesk refuses every update to a closed ticket (422 "Status: closed prevents ticket update"). */
function ticketClosed(error: unknown): boolean {
  return error instanceof ZendeskApiError && error.status === 422 && /closed/i.test(JSON.stringify(error.body.details ?? error.body));
}

/**
 * The ticket update of a reminder or escalation; false when the ticket is closed (a renewal left
 * without an answer until Zendesk closed it): nothing can be added to it, the e-mails still go out,
 * and operations hear of it with the escalation.
 */
async function postUnlessClosed(deps: ProactiveDeps, spec: Parameters<typeof postOnce>[1]): Promise<boolean> {
  try {
    await postOnce(deps, spec);
    return true;
  } catch (error) {
    if (!ticketClosed(error)) throw error;
    deps.logger.warn({ ticketId: spec.ticketId, effect: spec.key }, "the renewal's ticket is closed: nothing can be added to it (the e-mail still goes out)");
    return false;
  }
}

/**
 * Runs a reminder or escalation at most once per certificate, as the outbox does: claimed in the
 * store before anything is sent, confirmed after. The ticket update goes through `postOnce` (which
 * finds an update an earlier attempt made before a crash), and the e-mail is queued in the same
 * transaction as the confirmation — so a restart, a retry or a second worker never repeats one.
 */
async function once(
  deps: ProactiveDeps,
  site: string,
  cert: CycleCertificate,
  kind: ReminderKind,
  ticketId: number | null,
  act: () => Promise<Notification | null>,
): Promise<boolean> {
  const { store, clock } = deps;
  const claim = await store.transaction(() => store.proactive.claimReminder(site, cert.sha256, kind, ticketId, clock.now().getTime()));
  if (claim === 'done') return false;
  const mail = await act();
  await store.transaction(async () => {
    const now = clock.now().getTime();
    if (mail && deps.mail.enabled && 'to' in mail && mail.to.length > 0) await enqueueNotification(store, mail, now);
    await store.proactive.reminderDone(site, cert.sha256, kind, now);
  });
  if (mail) deps.notify();
  return true;
}

/** The 14- or 7-day reminder: a public comment raising the priority, and an e-mail to the site's people. */
export async function sendReminder(
  deps: ProactiveDeps,
  entry: RegistryEntry,
  cert: CycleCertificate,
  action: Extract<ProactiveAction, { kind: 'remind' }>,
): Promise<void> {
  const site = entry.domain;
  const { ticketId } = action;
  const sent = await once(deps, site, cert, action.reminder, ticketId, async () => {
    const renewal = await deps.store.renewals.get(ticketId);
    await postUnlessClosed(deps, {
      key: effectKey(site, cert, action.reminder),
      ticketId,
      kind: `comment_${action.reminder}`,
      public: true,
      priority: action.priority,
      body: expiryReminderComment({
        site,
        notAfter: cert.notAfter,
        now: deps.clock.now(),
        waitingFor: renewal?.state === 'needs_info' ? 'details' : 'certificate',
      }).body,
    });
    return { kind: 'expiry_reminder', ticketId, site, notAfter: cert.notAfter, to: mailRecipients([renewal?.fields.email], entry.contacts), openRenewal: true };
  });
  if (sent) {
    deps.metrics.counter('certdesk_expiry_reminders_total', 'Expiry reminders sent on renewal tickets, by reminder.').inc({ reminder: action.reminder });
    deps.logger.info({ site, ticketId, reminder: action.reminder, priority: action.priority }, 'expiry reminder sent');
  }
}

/**
 * Inside 3 days of expiry (or expired) without a valid certificate: an internal note on the ticket
 * (if there is one), an e-mail to OPS_EMAIL, and `certdesk_expiry_escalations_total`.
 */
export async function escalate(
  deps: ProactiveDeps,
  entry: RegistryEntry,
  cert: CycleCertificate,
  action: Extract<ProactiveAction, { kind: 'escalate' }>,
): Promise<void> {
  const site = entry.domain;
  const { ticketId } = action;
  const opsEmailed = deps.mail.enabled && deps.mail.opsEmail !== null;
  const sent = await once(deps, site, cert, 'escalation', ticketId, async () => {
    if (ticketId !== null) {
      await postUnlessClosed(deps, {
        key: effectKey(site, cert, 'escalation'),
        ticketId,
        kind: 'note_expiry_escalation',
        public: false,
        body: expiryEscalationNote({
          site,
          notAfter: cert.notAfter,
          now: deps.clock.now(),
          state: (await deps.store.renewals.get(ticketId))?.state ?? null,
          opsEmailed,
        }).body,
      });
    }
    return opsEmailed ? { kind: 'expiry_reminder', ticketId, site, notAfter: cert.notAfter, to: [deps.mail.opsEmail!], audience: 'operations' } : null;
  });
  if (sent) {
    deps.metrics
      .counter('certdesk_expiry_escalations_total', 'Sites escalated to operations: inside 3 days of expiry or expired without a valid certificate.')
      .inc({ site });
    deps.logger.warn({ site, ticketId, notAfter: cert.notAfter }, 'certificate expires within 3 days without a valid replacement: operations told');
  }
}
