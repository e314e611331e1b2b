import { createHmac } from 'node:crypto';
import { verify } from '@octokit/webhooks-methods';

/**
 * Zendesk signs a webhook as base64(HMAC-SHA256(secret, timestamp + rawBody)), the secret used
 * verbatim as the key (zendesk-facts §1.2). @octokit/webhooks-methods computes the same HMAC and
 * compares in constant time, but speaks `sha256=<hex>`; the base64 digest is translated to that form.
 */

/** A base64 SHA-256 digest: 32 bytes → 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** Signs as Zendesk does (used by the sandbox and by tests). */
export function signZendeskPayload(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(timestamp + rawBody).digest('base64');
}

/** The 32-byte digest in a Zendesk signature header, or null when it is not base64 of 32 bytes. */
export function parseZendeskSignature(signature: string): Buffer | null {
  return BASE64_SHA256.test(signature) ? Buffer.from(signature, 'base64') : null;
}

/**
 * True when `signature` was made with one of `secrets` over `timestamp + rawBody`. Every secret is
 * tried (rotation: current and previous), so the time taken does not depend on which one matched.
 * Throws TypeError for missing arguments; returns false for a malformed or wrong signature.
 */
export async function verifyZendeskSignature(input: {
  secrets: readonly string[];
  timestamp: string;
  rawBody: string;
  signature: string;
}): Promise<boolean> {
  const { secrets, timestamp, rawBody, signature } = input;
  if (secrets.length === 0 || secrets.some((s) => !s)) throw new TypeError('at least one non-empty secret is required');
  if (!timestamp || !signature) throw new TypeError('timestamp and signature are required');
  if (!BASE64_SHA256.test(signature)) return false;
  const asOctokit = `sha256=${Buffer.from(signature, 'base64').toString('hex')}`;
  const payload = timestamp + rawBody;
  const results = await Promise.all(secrets.map((secret) => verify(secret, payload, asOctokit)));
  return results.includes(true);
}
