import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../../src/adapters/mail/classify-smtp-error.js';
import { NonRetryableError, RetryableError, isRetryable } from '../../../src/lib/errors.js';

const failure = (fields: Record<string, unknown>) => Object.assign(new Error('smtp failure'), fields);

describe('SMTP failures for the job queue', () => {
  it.each([
    ['451 greylisting', { code: 'EMESSAGE', responseCode: 451, response: '451 4.7.1 greylisted' }, true],
    ['421 service closing', { code: 'EPROTOCOL', responseCode: 421 }, true],
    ['503 bad sequence (nodemailer: not permanent)', { code: 'EPROTOCOL', responseCode: 503, permanent: false }, true],
    ['550 mailbox unknown', { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 no such user' }, false],
    ['552 too large', { code: 'EMESSAGE', responseCode: 552 }, false],
    ['535 authentication refused', { code: 'EAUTH', responseCode: 535 }, false],
    ['connection refused', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, true],
    ['timeout', { code: 'ETIMEDOUT' }, true],
    ['DNS failure', { code: 'EDNS' }, true],
    ['no credentials', { code: 'ENOAUTH' }, false],
    ['a message that cannot be built', { code: 'EMESSAGE' }, false],
    ['anything unknown', {}, true],
  ])('%s → retryable %s', (_name, fields, retryable) => {
    const classified = classifySmtpError(failure(fields));
    expect(classified).toBeInstanceOf(retryable ? RetryableError : NonRetryableError);
    expect(isRetryable(classified)).toBe(retryable);
    expect(classified.cause).toBeInstanceOf(Error);
  });
});
