import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { startTestService, TEST_WEBHOOK_SECRET, type TestService } from '../../helpers/service.js';
import { TEST_STORE } from '../../helpers/test-store.js';

/**
 * `npm run cli -- doctor` against a running certdesk and its sandbox, as an operator runs it: a
 * healthy configuration passes every check; each broken one prints its line and exits 1. doctor gets
 * the running certdesk's database (DATA_DIR, and DATABASE_URL in the postgres run), so its store line
 * checks the store the run exercises.
 */
let svc: TestService;
let dir: string;
let base: Record<string, string>;

beforeAll(async () => {
  svc = await startTestService();
  dir = mkdtempSync(join(tmpdir(), 'certdesk-doctor-'));
  const sandbox = svc.sandbox!;
  sandbox.account.oauthClients['doctor-test'] = { secret: 'doctor-client-secret', userEmail: sandbox.apiUser.email };
  const registry = sandbox.demo!.registry.map((r) => ({ domain: r.domain, organizationId: r.organizationId, contacts: r.contacts }));
  writeFileSync(join(dir, 'domains.json'), JSON.stringify(registry));
  writeFileSync(join(dir, 'missing-org.json'), JSON.stringify([...registry, { domain: 'my.gone.example', organizationId: 999_999_999 }]));
  base = {
    ZENDESK_URL: sandbox.url,
    ZENDESK_OAUTH_CLIENT_ID: 'doctor-test',
    ZENDESK_OAUTH_CLIENT_SECRET: 'doctor-client-secret',
    ZENDESK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    PUBLIC_URL: svc.url,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DOMAINS_FILE: join(dir, 'domains.json'),
    ...svc.database.env,
  };
});
afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(env: Record<string, string>, args: string[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['doctor', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd: process.cwd() });
  const line = (check: string) => stdout.split('\n').find((l) => l.includes(` ${check}: `)) ?? '';
  return { code, stdout, stderr, line };
}

describe('npm run cli -- doctor', () => {
  it('passes every check, one line each, for a healthy connection', async () => {
    const r = await doctor(base);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.line('credentials')).toMatch(/^ok {2}.*act as .*certdesk@sandbox\.invalid.*agent/);
    expect(r.line('webhook')).toMatch(new RegExp(`^ok .*is active and points at ${svc.url}/webhooks/zendesk`));
    // The sandbox's test body, like Zendesk's, is no ticket event: certdesk answers 400 once the signature passed.
    expect(r.line('signature')).toMatch(/^ok .*accepted Zendesk's signed test request \(its body is no ticket event/);
    expect(r.line('statuses')).toMatch(/^ok .*On-hold off.*installing=open/);
    expect(r.line('redaction')).toMatch(/^ok .*Agent Workspace is on/);
    expect(r.line('organizations')).toMatch(/^ok .*all 2 registry entries/);
    // The store the run exercises: PostgreSQL named by address without the password, or the SQLite file.
    const database = svc.database.env.DATABASE_URL ? new URL(svc.database.env.DATABASE_URL) : null;
    const store =
      TEST_STORE === 'postgres' ? ` at ${database!.host}${database!.pathname}, migrations 10/10` : `${join(svc.dataDir, 'certdesk.db')} is writable`;
    expect(r.line('store')).toMatch(/^ok {2}/);
    expect(r.line('store').endsWith(store)).toBe(true);
    if (TEST_STORE === 'postgres') expect(r.line('store')).toMatch(/ PostgreSQL \d+(\.\d+)+ at /);
    expect(r.stdout).toMatch(/doctor: all 8 checks passed/);
  });

  it('prints JSON with --json', async () => {
    const r = await doctor(base, ['--json']);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { check: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.check)).toEqual(['credentials', 'webhook', 'signature', 'statuses', 'assignee', 'redaction', 'organizations', 'store']);
  });

  it("fails on a bad secret: certdesk refuses the signature of Zendesk's test request", async () => {
    const hook = svc.sandbox!.connectWebhook({ endpoint: `${svc.url}/webhooks/zendesk` });
    const reset = await fetch(`${svc.sandbox!.url}/api/v2/webhooks/${hook.id}/signing_secret`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('admin@support.example/token:x').toString('base64')}` },
    });
    expect(reset.status).toBe(201);
    try {
      const r = await doctor(base);
      expect(r.code).toBe(1);
      expect(r.line('signature')).toMatch(/^FAIL .*refused the signature.*ZENDESK_WEBHOOK_SECRET is not webhook .*'s signing secret/);
      expect(r.line('webhook')).toMatch(/^ok /);
    } finally {
      svc.sandbox!.connectWebhook({ endpoint: `${svc.url}/webhooks/zendesk` });
    }
  });

  it('fails on a wrong webhook URL, naming where the webhook points', async () => {
    const r = await doctor({ ...base, PUBLIC_URL: 'https://certdesk.elsewhere.example' });
    expect(r.code).toBe(1);
    expect(r.line('webhook')).toMatch(
      new RegExp(
        `^FAIL .*"certdesk" points at ${svc.url}/webhooks/zendesk, not https://certdesk\\.elsewhere\\.example/webhooks/zendesk: run "npm run cli -- setup-zendesk"`,
      ),
    );
    expect(r.line('signature')).toBe('');
  });

  it('fails when On-hold is off but ZENDESK_STATUSES puts a state on hold', async () => {
    const r = await doctor({ ...base, ZENDESK_STATUSES: 'installing=hold' });
    expect(r.code).toBe(1);
    expect(r.line('statuses')).toMatch(/^FAIL .*On-hold off.*puts installing on hold: activate On-hold/);
    svc.sandbox!.account.onHold = true;
    try {
      expect((await doctor({ ...base, ZENDESK_STATUSES: 'installing=hold' })).code).toBe(0);
    } finally {
      svc.sandbox!.account.onHold = false;
    }
  });

  it('fails when redaction is not allowed (no Agent Workspace)', async () => {
    svc.sandbox!.account.agentWorkspace = false;
    try {
      const r = await doctor(base);
      expect(r.code).toBe(1);
      expect(r.line('redaction')).toMatch(/^FAIL .*comment_redactions is not allowed \(Agent Workspace is off\)/);
    } finally {
      svc.sandbox!.account.agentWorkspace = true;
    }
  });

  it('fails when a registry organization is missing, naming the site', async () => {
    const r = await doctor({ ...base, DOMAINS_FILE: join(dir, 'missing-org.json') });
    expect(r.code).toBe(1);
    expect(r.line('organizations')).toMatch(/^FAIL .*1 of 3 registry entries.*my\.gone\.example: organization 999999999 does not exist/);
  });

  it('fails on refused credentials, and says the account checks need them first', async () => {
    const r = await doctor({ ...base, ZENDESK_OAUTH_CLIENT_SECRET: 'not-the-secret' });
    expect(r.code).toBe(1);
    expect(r.line('credentials')).toMatch(/^FAIL .*Zendesk refused them/);
    expect(r.line('zendesk')).toMatch(/^FAIL .*fix the credentials first/);
    expect(r.line('store')).toMatch(/^ok /);
  });

  it('fails when the assignee for solved tickets is not an agent', async () => {
    const r = await doctor({ ...base, ZENDESK_ASSIGNEE_ID: String(svc.sandbox!.demo!.customer.id) });
    expect(r.code).toBe(1);
    expect(r.line('assignee')).toMatch(/^FAIL .*tickets can only be assigned to agents/);
  });

  it('exits 2 with the configuration problems when certdesk could not start either', async () => {
    const r = await doctor({ ...base, KEY_ENCRYPTION_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/KEY_ENCRYPTION_KEY is required/);
    expect(r.stdout).toBe('');
  });

  it('checks the sandbox of the certdesk running in sandbox mode', async () => {
    const r = await doctor({
      ...svc.database.env,
      SANDBOX_PORT: new URL(svc.sandbox!.url).port,
      PORT: String(svc.port),
      ZENDESK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    });
    expect(r.stdout).toMatch(/doctor: all 8 checks passed/);
    expect(r.code).toBe(0);
  });

  it('says to start certdesk when no sandbox answers in sandbox mode', async () => {
    const r = await doctor({ DATA_DIR: join(dir, 'nothing'), SANDBOX_PORT: '9', PORT: '9' });
    expect(r.code).toBe(1);
    expect(r.line('sandbox')).toMatch(/^FAIL .*nothing answers at http:\/\/127\.0\.0\.1:9.*npm start/);
  });
});
