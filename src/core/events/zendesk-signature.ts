import { createHmac } from 'node:crypto';
import { hmacMatches } from './streaming-hmac.js';

/**
 * Zendesk signs a webhook as base64(HMAC-SHA256(secret, timestamp + rawBody)), the secret used
 * verbatim as the key (zendesk-facts §1.2). The body is hashed as the bytes that arrived, never
 * decoded: a decode (and re-encode) would turn bytes that are not valid UTF-8 into U+FFFD and
 * change what is verified. The inbound-mail signature (core/mail/inbound-signature.ts) is checked
 * the same way, by the same helper.
 */

/** A base64 SHA-256 digest: 32 bytes → 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** Signs as Zendesk does (used by the sandbox and by tests); a string body is signed as its UTF-8 bytes. */
export function signZendeskPayload(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(rawBody).digest('base64');
}

/** The 32-byte digest in a Zendesk signature header, or null when it is not base64 of 32 bytes. */
export function parseZendeskSignature(signature: string): Buffer | null {
  return BASE64_SHA256.test(signature) ? Buffer.from(signature, 'base64') : null;
}

/**
 * True when `signature` was made with one of `secrets` over the timestamp then the body's bytes.
 * Every secret is tried (rotation: current and previous), so the time taken does not depend on which
 * one matched. A string body stands for its UTF-8 bytes (what a caller that only kept the text has);
 * pass the bytes as received whenever there are any. Throws TypeError for missing arguments;
 * resolves false for a malformed or wrong signature.
 */
export async function verifyZendeskSignature(input: {
  secrets: readonly string[];
  timestamp: string;
  rawBody: Uint8Array | string;
  signature: string;
}): Promise<boolean> {
  const { secrets, timestamp, rawBody, signature } = input;
  if (!timestamp || !signature) throw new TypeError('timestamp and signature are required');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return hmacMatches({ secrets, prefix: timestamp, body, given: parseZendeskSignature(signature) });
}
