import type { JobHandler } from '../worker.js';
import { NonRetryableError } from '../../lib/errors.js';
import { composeNotification } from '../../core/mail/compose-notification.js';
import { domainOfAddress, makeMessageId, normalizeMessageId } from '../../core/mail/message-id.js';
import type { SendMailPayload } from '../job-kinds.js';
import type { MailDeps } from './mail-deps.js';

/**
 * The `send-mail` job: compose the notification (pure) → keep only recipients who belong to the
 * ticket (`checkRecipients`) → record its Message-ID → send → mark it
 * sent. The Message-ID is recorded before sending, so a reply threads back into the ticket even if
 * certdesk stops between the two. SMTP failures are classified by the Mailer (transient ⇒ retried,
 * permanent ⇒ the job ends); nothing here touches a renewal. With mail off (no SMTP_URL / MAIL_FROM)
 * or no recipient, the message is recorded as skipped.
 */
export function handleSendMail(deps: Pick<MailDeps, 'store' | 'clock' | 'mailer' | 'settings' | 'checkRecipients'>): JobHandler<SendMailPayload> {
  return async ({ job, logger }) => {
    const { notification, token, at } = job.payload;
    const { store, clock, settings } = deps;
    let composed;
    try {
      composed = composeNotification(notification, { at: new Date(at), links: settings.links, opsEmail: settings.opsEmail });
    } catch (error) {
      throw new NonRetryableError(`the ${notification.kind} e-mail cannot be composed: ${(error as Error).message}`, { cause: error });
    }
    if (deps.checkRecipients && composed.to.length > 0) {
      const { allowed, refused } = await deps.checkRecipients(notification, composed.to);
      if (refused.length > 0) {
        logger.warn(
          { kind: notification.kind, ticketId: notification.ticketId, refused: refused.length },
          'not sending to addresses that are not the requester’s, their organization’s or the site’s registry contacts',
        );
      }
      composed = { ...composed, to: allowed };
    }
    const domain = (settings.from && domainOfAddress(settings.from)) || 'certdesk.invalid';
    const messageId = makeMessageId(token, domain);
    const key = normalizeMessageId(messageId)!;
    const ticketId = notification.ticketId;
    const base = { messageId: key, ticketId, kind: notification.kind, recipients: composed.to };
    const previous = ticketId === null ? null : await store.mail.lastSentForTicket(ticketId);

    if (!deps.mailer || !settings.from || composed.to.length === 0) {
      const why = composed.to.length === 0 ? 'it has no recipient' : 'outgoing mail is off (SMTP_URL / MAIL_FROM not set)';
      await store.transaction(async () => {
        await store.mail.recordOutbound(base, clock.now().getTime());
        await store.mail.settleOutbound(key, 'skipped', clock.now().getTime());
      });
      logger.info({ kind: notification.kind, ticketId }, `not sending the ${notification.kind} e-mail: ${why}`);
      return;
    }
    await store.mail.recordOutbound(base, clock.now().getTime());
    const sent = await deps.mailer.send({
      to: composed.to,
      subject: composed.subject,
      text: composed.text,
      html: composed.html,
      messageId,
      ...(previous && previous !== key ? { inReplyTo: `<${previous}>`, references: [`<${previous}>`] } : {}),
      headers: {
        // RFC 3834: nobody should auto-reply to a notification (and certdesk ignores those that do).
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'OOF, AutoReply',
        ...(ticketId !== null ? { 'X-Certdesk-Ticket': String(ticketId) } : {}),
      },
    });
    await store.mail.settleOutbound(key, 'sent', clock.now().getTime());
    if (sent.rejected.length) logger.warn({ kind: notification.kind, ticketId, rejected: sent.rejected }, 'some recipients were refused');
    logger.info({ kind: notification.kind, ticketId, messageId: sent.messageId, accepted: sent.accepted.length }, 'notification e-mail sent');
  };
}
