import type { JobHandler } from '../worker.js';
import { INBOUND_EMAIL_JOB } from './accept-inbound-message.js';
import { SEND_MAIL_JOB } from './enqueue-notification.js';
import { handleInboundEmail } from './handle-inbound-email.js';
import { handleSendMail } from './send-mail.js';
import type { MailDeps } from './mail-deps.js';

/** The mail job handlers by kind, to merge into the worker's handlers. */
export function createMailJobHandlers(deps: MailDeps): Record<string, JobHandler<never>> {
  return {
    [INBOUND_EMAIL_JOB]: handleInboundEmail(deps) as JobHandler<never>,
    [SEND_MAIL_JOB]: handleSendMail(deps) as JobHandler<never>,
  };
}
