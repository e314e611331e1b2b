import type { Config } from '../config/config.js';
import { localSecret } from '../config/local-secret.js';
import type { Logger } from '../lib/logger.js';

/**
 * The key that seals private keys at rest (the store, the CLI): KEY_ENCRYPTION_KEY, or in sandbox
 * mode one generated into DATA_DIR (0600), with a warning when it is first made.
 */
export function keyEncryptionKey(config: Config, logger: Logger): Buffer {
  if (config.keys.encryptionKey) return config.keys.encryptionKey;
  const generated = localSecret(config.dataDir, 'key-encryption-key', 32);
  if (generated.created)
    logger.warn({ file: generated.path }, 'sandbox mode: private keys are encrypted with a key generated into DATA_DIR; set KEY_ENCRYPTION_KEY in production');
  return Buffer.from(generated.value, 'base64');
}
