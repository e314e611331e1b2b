import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { SANDBOX_OAUTH_CLIENT_ID, sandboxOAuthClient } from '../../../src/wiring/sandbox-oauth-client.js';
import { cliZendeskUrl } from '../../../src/wiring/cli-zendesk.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-oauth-client-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("certdesk's OAuth client on the sandbox", () => {
  it('generates its secret into DATA_DIR once (0600) and reads the same one back: the service and the CLI sign in alike', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    const first = sandboxOAuthClient(config);
    expect(first.credentials).toMatchObject({ clientId: SANDBOX_OAUTH_CLIENT_ID, scopes: 'read write' });
    expect(first.generated).toMatchObject({ created: true, path: join(config.dataDir, 'oauth-client-secret') });
    expect(readFileSync(first.generated!.path, 'utf8').trim()).toBe(first.credentials.clientSecret);
    expect(statSync(first.generated!.path).mode & 0o777).toBe(0o600);

    const again = sandboxOAuthClient(config);
    expect(again.credentials).toEqual(first.credentials);
    expect(again.generated).toMatchObject({ created: false });
  });

  it('takes ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET as given, and writes no file then', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      ZENDESK_OAUTH_CLIENT_ID: 'desk',
      ZENDESK_OAUTH_CLIENT_SECRET: 'the-secret',
      ZENDESK_OAUTH_SCOPES: 'read',
    });
    expect(sandboxOAuthClient(config)).toEqual({ credentials: { clientId: 'desk', clientSecret: 'the-secret', scopes: 'read' }, generated: null });
    expect(() => statSync(join(config.dataDir, 'oauth-client-secret'))).toThrow();
  });

  it('a CLI command reaches the sandbox of the certdesk running on this machine, or the account', () => {
    expect(cliZendeskUrl(loadConfig({ DATA_DIR: dataDir(), SANDBOX_PORT: '3999' }))).toBe('http://127.0.0.1:3999');
    const account = loadConfig(
      {
        ZENDESK_URL: 'https://acme.zendesk.com',
        ZENDESK_EMAIL: 'certdesk@example.com',
        ZENDESK_API_TOKEN: 'tok',
        ZENDESK_WEBHOOK_SECRET: 'whsec',
        KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        DOMAINS_FILE: '/etc/certdesk/domains.json',
      },
      '/srv',
    );
    expect(cliZendeskUrl(account)).toBe('https://acme.zendesk.com');
  });
});
