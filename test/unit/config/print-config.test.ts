import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/run-cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function printConfig(env: NodeJS.ProcessEnv, dotEnv?: string) {
  const cwd = mkdtempSync(join(tmpdir(), 'certdesk-print-'));
  dirs.push(cwd);
  if (dotEnv !== undefined) writeFileSync(join(cwd, '.env'), dotEnv);
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--print-config'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd });
  return { code, stdout, stderr, cwd };
}

// Every secret certdesk reads, each with a value that must never be printed.
const SECRETS: Record<string, string> = {
  ZENDESK_OAUTH_CLIENT_SECRET: 'oauth-client-secret-value-1',
  ZENDESK_OAUTH_REFRESH_TOKEN: 'refresh-token-value-2',
  ZENDESK_WEBHOOK_SECRET: 'webhook-secret-value-3',
  ZENDESK_WEBHOOK_SECRET_PREVIOUS: 'webhook-secret-previous-4',
  KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  SMTP_URL: 'smtp://mailer:smtp-password-value-5@mail.example.com:587',
  INBOUND_EMAIL_SECRET: 'inbound-secret-value-6',
  ZAF_SHARED_SECRET: 'zaf-shared-secret-value-7',
  ADMIN_TOKEN: 'admin-token-value-8888',
  METRICS_TOKEN: 'metrics-token-value-9999',
};

describe('certdesk --print-config', () => {
  it('shows the effective configuration with every secret as (set), never its value', async () => {
    const env = {
      ZENDESK_URL: 'https://example.zendesk.com',
      ZENDESK_OAUTH_CLIENT_ID: 'certdesk',
      DOMAINS_FILE: '/etc/certdesk/domains.json',
      MAIL_FROM: 'certdesk@example.com',
      PORT: '8080',
      ...SECRETS,
    };
    const { code, stdout } = await printConfig(env);
    expect(code).toBe(0);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(stdout, name).not.toContain(name === 'SMTP_URL' ? 'smtp-password-value-5' : value);
    }
    expect(stdout).not.toContain(Buffer.alloc(32, 7).toString('hex'));
    const lines = stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'sandbox = false',
        'port = 8080',
        'zendesk.url = https://example.zendesk.com',
        'zendesk.auth.oauthClient.clientId = certdesk',
        'zendesk.auth.oauthClient.clientSecret = (set)',
        'zendesk.auth.oauthClient.refreshToken = (set)',
        'zendesk.webhookSecret = (set)',
        'keys.encryptionKey = (set)',
        'mail.smtpUrl = smtp://mailer:***@mail.example.com:587',
        'agents.adminToken = (set)',
        'metricsToken = (set)',
      ]),
    );
  });

  it('reads .env under the process environment and names the file it read', async () => {
    const { code, stdout, cwd } = await printConfig({ PORT: '9000' }, 'PORT=7000\nLOG_LEVEL=debug\nADMIN_TOKEN=from-dot-env-0123456\n');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toContain(`the environment over ${join(cwd, '.env')}`);
    expect(stdout).toMatch(/^port = 9000$/m);
    expect(stdout).toMatch(/^logLevel = debug$/m);
    expect(stdout).toMatch(/^agents\.adminToken = \(set\)$/m);
    expect(stdout).not.toContain('from-dot-env-0123456');
  });

  it("lists the configuration's problems and exits 2, like start-up", async () => {
    const { code, stdout, stderr } = await printConfig({ PORT: 'eighty', LOG_FORMAT: 'xml' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^ {2}- PORT must be a port number/m);
    expect(stderr).toMatch(/^ {2}- LOG_FORMAT must be one of json, pretty \(got "xml"\)\.$/m);
  });
});
