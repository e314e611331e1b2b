/**
 * A certdesk process doing one nginx install, for the crash tests: reads the request from the JSON
 * file at argv[2] and the installer settings from the environment (CERT_DIR, TEST_CMD, RELOAD_CMD,
 * VERIFY_ADDR, CA_PEM_FILE, VERIFY_WAIT_MS), prints "started" just before calling install, then
 * the result as one JSON line. The parent kills it with SIGKILL at the moment it wants.
 */
import { readFileSync } from 'node:fs';
import { createNginxInstaller } from '../../../src/adapters/installer/nginx-installer.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { InstallRequest } from '../../../src/ports/installer.js';

const request = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as InstallRequest;
const env = process.env;
const installer = createNginxInstaller({
  certDir: env.CERT_DIR!,
  testCommand: env.TEST_CMD!,
  reloadCommand: env.RELOAD_CMD!,
  verifyAddresses: env.VERIFY_ADDR!.split(','),
  trustedCasPem: [readFileSync(env.CA_PEM_FILE!, 'utf8')],
  verifyWaitMs: Number(env.VERIFY_WAIT_MS ?? 15_000),
  logger: createLogger({ level: 'info', fd: 2 }),
});
process.stdout.write('started\n');
const result = await installer.install(request);
process.stdout.write(`${JSON.stringify(result)}\n`);
