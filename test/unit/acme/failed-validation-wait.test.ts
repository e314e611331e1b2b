import { describe, expect, it } from 'vitest';
import { explainAcmeFailure, FAILED_VALIDATION_WAIT_MS, retryWaitAfter } from '../../../src/core/acme/explain-acme-failure.js';

const site = 'my.example.com';

describe('the wait after an ACME failure', () => {
  it("keeps failed validations of one name under the CA's hourly budget (Let's Encrypt: 5 per hostname and hour)", () => {
    for (const problem of [
      { type: 'urn:ietf:params:acme:error:connection', detail: 'dial tcp 127.0.0.2:80: connect: connection refused' },
      { type: 'urn:ietf:params:acme:error:dns', detail: 'no valid A records found for my.example.com' },
    ]) {
      const failure = explainAcmeFailure(site, problem);
      expect(failure.retryable).toBe(true);
      expect(retryWaitAfter(failure)).toBe(FAILED_VALIDATION_WAIT_MS);
    }
    expect(Math.floor(3_600_000 / FAILED_VALIDATION_WAIT_MS)).toBeLessThan(5);
  });

  it("lets a failure that cost no validation be retried at once (the CA's own error, a rejected nonce)", () => {
    const failure = explainAcmeFailure(site, { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'internal error' });
    expect(failure.kind).toBe('ca_error');
    expect(retryWaitAfter(failure)).toBeUndefined();
  });
});
