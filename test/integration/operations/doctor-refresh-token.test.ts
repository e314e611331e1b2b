/**
 * doctor signs in as certdesk does, and with an OAuth client on the refresh-token flow
 * (ZENDESK_OAUTH_REFRESH_TOKEN) each refresh rotates the token: doctor keeps the new one in
 * certdesk's store (store.refreshTokens: the SQLite file, or PostgreSQL with DATABASE_URL), so
 * neither its next run nor the running certdesk is left holding a spent token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { grantsOf } from '../../../src/sandbox/oauth-grants.js';
import { startTestService, TEST_WEBHOOK_SECRET, type TestService } from '../../helpers/service.js';

const KEK = randomBytes(32);
const CLIENT = 'doctor-code-flow';

async function doctor(env: Record<string, string>): Promise<{ code: number; credentials: string }> {
  let stdout = '';
  const code = await runCli(['doctor'], { stdout: (t) => void (stdout += t), stderr: () => undefined, env, cwd: process.cwd() });
  return { code, credentials: stdout.split('\n').find((l) => l.includes(' credentials: ')) ?? '' };
}

describe('doctor on the refresh-token flow', () => {
  let svc: TestService;
  let dir: string;
  beforeAll(async () => {
    svc = await startTestService({ KEY_ENCRYPTION_KEY: KEK.toString('base64') });
    dir = mkdtempSync(join(tmpdir(), 'certdesk-doctor-refresh-'));
  });
  afterAll(async () => {
    await svc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps each rotated refresh token in certdesk's store: a second run signs in with the stored one (the configured one is spent)", async () => {
    const sandbox = svc.sandbox!;
    sandbox.account.oauthClients[CLIENT] = { secret: 'doctor-code-flow-secret', userEmail: sandbox.apiUser.email };
    const seed = grantsOf(sandbox.account).authorize(CLIENT, sandbox.apiUser.email).refresh_token!;
    writeFileSync(
      join(dir, 'domains.json'),
      JSON.stringify(sandbox.demo!.registry.map((r) => ({ domain: r.domain, organizationId: r.organizationId, contacts: r.contacts }))),
    );
    // certdesk's own store: its DATA_DIR, and with PostgreSQL its DATABASE_URL; its KEY_ENCRYPTION_KEY.
    const env = {
      ZENDESK_URL: sandbox.url,
      ZENDESK_OAUTH_CLIENT_ID: CLIENT,
      ZENDESK_OAUTH_CLIENT_SECRET: 'doctor-code-flow-secret',
      ZENDESK_OAUTH_REFRESH_TOKEN: seed,
      ZENDESK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      PUBLIC_URL: svc.url,
      KEY_ENCRYPTION_KEY: KEK.toString('base64'),
      DOMAINS_FILE: join(dir, 'domains.json'),
      DATA_DIR: svc.dataDir,
      PORT: '0',
      ...svc.database.env,
    };

    const first = await doctor(env);
    expect(first.credentials).toMatch(/^ok +credentials: they work/);
    const rotated = await svc.store.refreshTokens.load(CLIENT, seed);
    expect(rotated).toEqual(expect.any(String));
    expect(rotated).not.toBe(seed);

    const second = await doctor(env);
    expect(second.credentials).toMatch(/^ok +credentials: they work/);
    const next = await svc.store.refreshTokens.load(CLIENT, seed);
    expect(next).toEqual(expect.any(String));
    expect(next).not.toBe(rotated);
  });
});
