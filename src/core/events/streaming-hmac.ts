import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';

/**
 * HMAC-SHA256 of a body computed while it streams in, under every accepted secret at once
 * (rotation: current and previous), so a body is never held only to be hashed afterwards. Bytes in,
 * never a decoded string: a body that is not valid UTF-8 is hashed exactly as it was sent.
 */
export class StreamingHmac {
  private readonly hmacs: Hmac[];

  /** `prefix` is hashed before the body (Zendesk signs timestamp + body). */
  constructor(secrets: readonly string[], prefix = '') {
    if (secrets.length === 0 || secrets.some((s) => !s)) throw new TypeError('at least one non-empty secret is required');
    this.hmacs = secrets.map((secret) => createHmac('sha256', secret).update(prefix, 'utf8'));
  }

  update(chunk: Uint8Array): void {
    for (const h of this.hmacs) h.update(chunk);
  }

  /**
   * True when `given` (32 bytes) is the digest under one of the secrets. Every digest is compared
   * in constant time, so the time taken does not tell which secret matched. Call once, at the end.
   */
  matches(given: Buffer): boolean {
    let valid = false;
    for (const h of this.hmacs) {
      const expected = h.digest();
      valid = (given.length === expected.length && timingSafeEqual(given, expected)) || valid;
    }
    return valid;
  }
}

/**
 * The same check over a body already in hand (the Zendesk and inbound-mail signature checks).
 * `given` is the digest parsed from the signature header, null when the header was malformed: that
 * is a mismatch (false), but a missing secret still throws TypeError — a configuration error.
 */
export function hmacMatches(input: { secrets: readonly string[]; prefix?: string; body: Uint8Array; given: Buffer | null }): boolean {
  const hmac = new StreamingHmac(input.secrets, input.prefix);
  if (!input.given) return false;
  hmac.update(input.body);
  return hmac.matches(input.given);
}
