import { NonRetryableError, RetryableError, errorMessage } from '../../lib/errors.js';

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
}

/** Failures of the message or the configuration, not of the network: sending again cannot help. */
const PERMANENT_CODES = new Set(['ECONFIG', 'ENOAUTH', 'EFILEACCESS', 'EURLACCESS', 'EMESSAGE', 'EENVELOPE', 'EMAXRECIPIENTS', 'EREQUIRETLS']);

/**
 * Maps a nodemailer failure onto the job queue's categories. An SMTP reply decides by its class
 * (RFC 5321: 5yz permanent, 4yz transient; nodemailer treats 503 "bad sequence" as transient);
 * without a reply, a broken message or configuration is permanent and anything else (connection
 * refused or dropped, timeout, DNS, TLS) is transient.
 */
export function classifySmtpError(error: unknown): RetryableError | NonRetryableError {
  const e = (error && typeof error === 'object' ? error : {}) as SmtpFailure;
  const detail = e.response ?? errorMessage(error);
  if (typeof e.responseCode === 'number') {
    const permanent = e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503);
    return permanent
      ? new NonRetryableError(`the SMTP server refused the message for good (${detail})`, { cause: error })
      : new RetryableError(`the SMTP server refused the message for now (${detail}); will try again`, { cause: error });
  }
  if (e.code && PERMANENT_CODES.has(e.code)) return new NonRetryableError(`the message could not be sent (${e.code}: ${detail})`, { cause: error });
  return new RetryableError(`could not reach the SMTP server (${e.code ?? 'error'}: ${detail}); will try again`, { cause: error });
}
