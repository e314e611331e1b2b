/**
 * Text scrubbing for anything that may leave the process (logs, stored error messages, notes).
 * A PEM private key block — complete or cut off — is replaced, whatever its label
 * (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, ENCRYPTED PRIVATE KEY, OPENSSH PRIVATE KEY).
 */
const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;

export const REDACTED_KEY = '[private key removed]';

export function redactPrivateKeys(text: string): string {
  if (!text.includes('PRIVATE KEY')) return text;
  return text.replace(PRIVATE_KEY_BLOCK, REDACTED_KEY);
}

/** True if the text contains the start of a PEM private key block. */
export function containsPrivateKey(text: string): boolean {
  return /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----/.test(text);
}
