/**
 * Issue 18 "Renewal history and steering": `renewal show` prints a finished renewal's timeline
 * (golden file), `renewal list`, and the agent commands from the CLI go through Zendesk's tag and
 * the workflow's transition table, recorded in the audit trail with who asked.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { FORM, startRenewalHarness, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';

const ROOT_DIR = join(import.meta.dirname, '../../..');
const ADMIN_TOKEN = 'operations-admin-token-3b9c';

/**
 * What varies from run to run: times, ticket and job ids, and how many of certdesk's own webhooks
 * came back as jobs, and when (once ids and times are masked, each such job is a line already
 * seen: only the first of identical job lines is kept).
 */
function normalize(text: string, ticketId: number): string {
  const lines = text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replaceAll(`ticket ${ticketId}`, 'ticket <id>')
    .replace(/job \d+ /g, 'job <n> ')
    .replace(/^Jobs \(\d+\)$/m, 'Jobs (<count>)')
    .split('\n');
  return lines.filter((line, i) => !(line.includes('job <n> ') && lines.indexOf(line) < i)).join('\n');
}

describe('npm run cli -- renewal', () => {
  let h: RenewalHarness;
  let ca: TestCa;
  let env: NodeJS.ProcessEnv;
  let installedId: number;

  async function renewal(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['renewal', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: ROOT_DIR });
    return { code, stdout, stderr };
  }

  beforeAll(async () => {
    ca = createTestCa();
    h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile, ADMIN_TOKEN });
    // DATA_DIR, and with PostgreSQL the service's DATABASE_URL: the CLI reads the store certdesk uses.
    env = { DATA_DIR: h.svc.dataDir, PORT: '0', SANDBOX_PORT: new URL(h.svc.sandbox!.url).port, EXTRA_CA_FILE: ca.rootFile, ...h.svc.database.env };
    const site = h.demo.registry[0]!.domain;
    installedId = await h.openTicket({ subject: `Certificate renewal for ${site}`, body: FORM(site) });
    await h.settle();
    const [csrComment] = await h.certdeskComments(installedId);
    const leaf = ca.issue(csrFrom(csrComment!.body), site);
    const token = await h.upload(`${site}.zip`, ca.zipFor(leaf, site), 'application/zip');
    await h.reply(installedId, 'Here is the certificate from our CA.', { uploads: [token] });
    await h.settle();
  }, 120_000);
  afterAll(() => h?.stop());

  it("show prints a finished renewal's timeline: transitions, their effects, jobs (golden file)", async () => {
    const shown = await renewal('show', String(installedId));
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    await expect(normalize(shown.stdout, installedId)).toMatchFileSnapshot('./golden/renewal-show-installed.txt');
  });

  it('show --json gives the same timeline as data, with no key material', async () => {
    const shown = await renewal('show', String(installedId), '--json');
    const data = JSON.parse(shown.stdout) as { state: string; entries: { type: string; to?: string }[]; jobs: { state: string }[] };
    expect(data.state).toBe('installed');
    expect(data.entries.filter((e) => e.type === 'transition').map((e) => e.to)).toEqual(['awaiting_certificate', 'installing', 'installed']);
    expect(data.jobs.length).toBeGreaterThan(0);
    expect(shown.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it('list shows every renewal, and --state keeps one state', async () => {
    const all = await renewal('list');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`^\\s*${installedId}\\s+installed\\s+\\S+\\s+${h.demo.registry[0]!.domain}$`, 'm'));
    expect((await renewal('list', '--state', 'needs_review')).stdout).toBe('No renewals in state needs_review.\n');
    expect(await renewal('list', '--state', 'finished')).toMatchObject({ code: 2 });
  });

  it('approve from the CLI moves a renewal out of needs_review through the workflow, and the audit trail says who asked', async () => {
    // A customer of another organization asks for the site: an agent (here an operator) must approve.
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain), as: h.demo.otherCustomer.email });
    await h.settle();
    expect((await h.svc.store.renewals.get(id))!.state).toBe('needs_review');

    const refused = await renewal('retry-install', String(id));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('retry-install applies only when the renewal is install_failed');

    const approved = await renewal('approve', String(id), '--as', 'pat.ops');
    expect(approved).toMatchObject({ code: 0, stderr: '' });
    expect(approved.stdout).toContain(`Tag cert_renewal_approve added to ticket ${id} as operator:pat.ops`);
    await h.settle();
    expect((await h.svc.store.renewals.get(id))!.state).toBe('awaiting_certificate');
    expect((await h.ticket(id)).tags).not.toContain('cert_renewal_approve');
    expect(await h.svc.store.audit.forTicket(id)).toContainEqual(
      expect.objectContaining({
        actor: 'operator:pat.ops',
        action: 'agent_command_requested',
        detail: { command: 'approve', tag: 'cert_renewal_approve', via: 'cli' },
      }),
    );

    const shown = (await renewal('show', String(id))).stdout;
    expect(shown).toMatch(/operator:pat\.ops: agent command requested \(command approve; tag cert_renewal_approve; via cli\)/);
    expect(shown).toMatch(/needs_review -> awaiting_certificate {2}\[command:approve\]/);
  });

  it("the dashboard shows the same timeline on the renewal's page, behind ADMIN_TOKEN, linked from the page", async () => {
    const page = (path: string, token?: string) =>
      fetch(`${h.svc.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'manual' });
    expect((await page(`/dashboard/renewals/${installedId}`)).status).toBe(401);
    const res = await page(`/dashboard/renewals/${installedId}`, ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    const json = JSON.parse((await renewal('show', String(installedId), '--json')).stdout) as { entries: { type: string; event?: string }[]; jobs: unknown[] };
    expect([...html.matchAll(/<tr data-event="([^"]+)">/g)].map((m) => m[1])).toEqual(json.entries.filter((e) => e.type === 'transition').map((e) => e.event));
    expect(html).toContain('comment installed: done');
    expect(html).toContain(`<h2 id="jobs-title">Jobs (${json.jobs.length})</h2>`);
    expect((await page('/dashboard/renewals/424242', ADMIN_TOKEN)).status).toBe(404);
    expect((await page('/dashboard/renewals/%3Cscript%3E', ADMIN_TOKEN)).status).toBe(404);
  });

  it('says so when there is no renewal for the ticket, or the ticket id is not one', async () => {
    expect(await renewal('show', '999999')).toMatchObject({ code: 1, stderr: 'certdesk renewal: there is no renewal for ticket 999999.\n' });
    expect(await renewal('show', 'abc')).toMatchObject({ code: 2 });
  });
});
