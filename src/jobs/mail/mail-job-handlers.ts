import type { JobHandler } from '../worker.js';
import { handleInboundEmail } from './handle-inbound-email.js';
import { handleSendMail } from './send-mail.js';
import type { MailDeps } from './mail-deps.js';
import { INBOUND_EMAIL_JOB, SEND_MAIL_JOB } from '../job-kinds.js';

/** The mail job handlers by kind, to merge into the worker's handlers. */
export function createMailJobHandlers(deps: MailDeps): Record<string, JobHandler<never>> {
  return {
    [INBOUND_EMAIL_JOB]: handleInboundEmail(deps) as JobHandler<never>,
    [SEND_MAIL_JOB]: handleSendMail(deps) as JobHandler<never>,
  };
}
