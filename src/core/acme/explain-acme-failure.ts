/**
 * An ACME failure in the customer's terms (issue 20, item 4): DNS, CAA, unreachable, rate limited,
 * or something on our side. From the RFC 8555 §6.7 problem type when the CA gave one, else from the
 * words of its message. Pure.
 */

export type AcmeFailureKind = 'dns' | 'caa' | 'unreachable' | 'rate_limited' | 'validation' | 'account' | 'ca_error';

export interface AcmeFailure {
  kind: AcmeFailureKind;
  /** What the customer reads. */
  message: string;
  /** Worth trying again later without anyone changing anything. */
  retryable: boolean;
}

const PREFIX = 'urn:ietf:params:acme:error:';

/**
 * How long to wait before another order after a failure that cost a validation (the CA tried the
 * name and failed: DNS, unreachable), so that an unreachable site does not use up the CA's budget
 * of failed validations (Let's Encrypt: 5 per account, hostname and hour): at most 4 an hour.
 * Undefined for failures that cost none (the CA's own errors, a dropped connection), which may be
 * retried at once.
 */
export const FAILED_VALIDATION_WAIT_MS = 15 * 60_000;

export function retryWaitAfter(failure: AcmeFailure): number | undefined {
  return failure.kind === 'dns' || failure.kind === 'unreachable' ? FAILED_VALIDATION_WAIT_MS : undefined;
}

export function explainAcmeFailure(site: string, problem: { type?: string; detail?: string }): AcmeFailure {
  const type = (problem.type ?? '').startsWith(PREFIX) ? problem.type!.slice(PREFIX.length).toLowerCase() : '';
  const detail = problem.detail ?? '';
  const text = `${type} ${detail}`.toLowerCase();
  if (type === 'externalaccountrequired' || /externalaccountbinding|external account/.test(text)) {
    return {
      kind: 'account',
      retryable: false,
      message: `Our account with the certificate authority is not set up to issue certificates (it requires External Account Binding: ACME_EAB_KID and ACME_EAB_HMAC_KEY). This is for our team to fix, not you; your current certificate for ${site} keeps working.`,
    };
  }
  if (type === 'caa' || /\bcaa\b/.test(text)) {
    return {
      kind: 'caa',
      retryable: false,
      message: `The certificate authority refused ${site} because of its DNS CAA records, which name the CAs allowed to issue for it. Allow our CA in them (we tell you the exact record), or remove them.`,
    };
  }
  if (type === 'dns' || /nxdomain|no such host|servfail|dns problem|no valid a records/.test(text)) {
    return {
      kind: 'dns',
      retryable: true,
      message: `The certificate authority could not find ${site} in DNS. Check that ${site} is a CNAME to our servers and that your DNS provider answers for it.`,
    };
  }
  if (type === 'ratelimited' || /rate.?limit|too many/.test(text)) {
    return {
      kind: 'rate_limited',
      retryable: true,
      message: `The certificate authority limits how many certificates it issues per domain and week, and ${site} has reached that limit. We try again automatically once the limit allows; nothing is needed from you.`,
    };
  }
  if (type === 'connection' || type === 'tls' || /connection refused|timeout|timed out|unreachable|connection reset/.test(text)) {
    return {
      kind: 'unreachable',
      retryable: true,
      message: `The certificate authority could not reach ${site} to check it is ours. Make sure ${site} points to our servers (a CNAME) and that no firewall or proxy in front of it blocks ports 80 and 443.`,
    };
  }
  if (type === 'unauthorized' || type === 'incorrectresponse' || type === 'rejectedidentifier') {
    return {
      kind: 'validation',
      retryable: false,
      message: `The certificate authority reached ${site} but did not get our answer: another server answers for the name. Make sure ${site} is a CNAME to our servers and nothing else (no A or AAAA record beside it).`,
    };
  }
  return {
    kind: 'ca_error',
    retryable: true,
    message: `The certificate authority could not issue the certificate for ${site} just now (${detail || type || 'no reason given'}). We try again automatically.`,
  };
}
