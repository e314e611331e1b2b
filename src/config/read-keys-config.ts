import type { EnvReader } from './env-reader.js';
import type { Config, KeyAlgorithm } from './config.js';

const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['rsa-2048', 'rsa-3072', 'rsa-4096'];

/**
 * KEY_ENCRYPTION_KEY (the AES-256-GCM key private keys are stored under) and KEY_ALGORITHM. A real
 * account needs the key set; in sandbox mode null means one is generated into DATA_DIR.
 */
export function readKeysConfig(env: EnvReader, sandbox: boolean): Config['keys'] {
  const raw = env.get('KEY_ENCRYPTION_KEY');
  let encryptionKey: Buffer | null = null;
  if (raw !== undefined) {
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
    if (decoded.length !== 32) {
      env.problem(
        `KEY_ENCRYPTION_KEY must be base64 of exactly 32 random bytes (it decodes to ${decoded.length} bytes); create one with: openssl rand -base64 32`,
      );
    } else {
      encryptionKey = decoded;
    }
  } else if (!sandbox) {
    env.problem('KEY_ENCRYPTION_KEY is required when ZENDESK_URL is set (create one with: openssl rand -base64 32).');
  }
  return { encryptionKey, algorithm: env.oneOf('KEY_ALGORITHM', KEY_ALGORITHMS, 'rsa-2048') };
}
