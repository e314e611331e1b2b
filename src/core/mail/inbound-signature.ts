import { createHmac } from 'node:crypto';
import { hmacMatches } from '../events/streaming-hmac.js';

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

/** The 32-byte digest in an `X-Certdesk-Signature` header, or null when it is missing or not `sha256=<64 hex>`. */
export function parseInboundEmailSignature(signature: string | undefined): Buffer | null {
  const m = SIGNATURE.exec(signature?.trim() ?? '');
  return m ? Buffer.from(m[1]!, 'hex') : null;
}

/**
 * True when `signature` is `sha256=<hex>` made with one of `secrets` over `raw`. Every secret is
 * tried and compared in constant time, so the time taken does not tell which part matched.
 * Throws TypeError without a non-empty secret; returns false for a missing or malformed signature.
 */
export function verifyInboundEmailSignature(input: { secrets: readonly string[]; raw: Uint8Array; signature: string | undefined }): boolean {
  return hmacMatches({ secrets: input.secrets, body: input.raw, given: parseInboundEmailSignature(input.signature) });
}
