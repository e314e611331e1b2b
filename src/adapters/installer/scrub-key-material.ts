import { redactPrivateKeys, REDACTED_KEY } from '../../lib/redact.js';

/**
 * Removes private key material from text that came from outside certdesk (a command's output):
 * PEM key blocks of any label, and — because an operator's script may print a key without its
 * header — every base64 line of the key being installed.
 */
export function scrubKeyMaterial(text: string, privateKeyPems: readonly string[]): string {
  let out = redactPrivateKeys(text);
  for (const pem of privateKeyPems) {
    for (const line of pem.split(/\r?\n/)) {
      const body = line.trim();
      // Short lines (the last of a block) could match ordinary text; 16+ base64 characters cannot by chance.
      if (body.length >= 16 && !body.startsWith('-----') && out.includes(body)) out = out.split(body).join(REDACTED_KEY);
    }
  }
  return out;
}
