import type { JobHandlers } from '../handlers.js';
import { handleInboundEmail } from './handle-inbound-email.js';
import { handleSendMail } from './send-mail.js';
import type { MailDeps } from './mail-deps.js';
import { INBOUND_EMAIL_JOB, SEND_MAIL_JOB } from '../job-kinds.js';

/** The mail job handlers by kind, to merge into the worker's handlers. */
export function createMailJobHandlers(deps: MailDeps): JobHandlers {
  return {
    [INBOUND_EMAIL_JOB]: handleInboundEmail(deps),
    [SEND_MAIL_JOB]: handleSendMail(deps),
  };
}
