import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Certdesk-Signature: sha256=<hex HMAC-SHA256 of the raw body bytes>` for `POST /inbound/email`.
 * Computed over bytes, not a string: mail may carry 8-bit bytes that are not UTF-8, and decoding
 * them would change what is signed.
 */

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** The header value for `raw` signed with `secret` (for relays and tests). */
export function signInboundEmail(secret: string, raw: Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/**
 * True when `signature` is `sha256=<hex>` made with one of `secrets` over `raw`. Every secret is
 * tried and compared in constant time, so the time taken does not tell which part matched.
 * Throws TypeError without a non-empty secret; returns false for a missing or malformed signature.
 */
export function verifyInboundEmailSignature(input: { secrets: readonly string[]; raw: Uint8Array; signature: string | undefined }): boolean {
  const { secrets, raw, signature } = input;
  if (secrets.length === 0 || secrets.some((s) => !s)) throw new TypeError('at least one non-empty secret is required');
  const m = SIGNATURE.exec(signature?.trim() ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  let valid = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(raw).digest();
    valid = timingSafeEqual(given, expected) || valid;
  }
  return valid;
}
