import { readFileSync } from 'node:fs';
import { ConfigError } from '../../lib/errors.js';
import { countAnchors } from '../../core/bundle/trust-anchors.js';

/**
 * Reads EXTRA_CA_FILE at start-up: extra trust anchors (private or test CAs) for validating
 * bundles and for verifying installations live. A missing file or one with no certificate stops
 * start-up with a plain message.
 */
export function loadExtraCaFile(path: string | null): string[] {
  if (path === null) return [];
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`EXTRA_CA_FILE ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`]);
  }
  if (countAnchors(pem) === 0) throw new ConfigError([`EXTRA_CA_FILE ${path} contains no PEM certificate.`]);
  return [pem];
}
