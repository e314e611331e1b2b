import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { FORM, startRenewalHarness, type RenewalHarness } from '../../helpers/renewal-harness.js';

const ROOT_DIR = join(import.meta.dirname, '../../..');

describe('npm run cli -- jobs: an operator replays what died, while certdesk runs', () => {
  let h: RenewalHarness;
  let env: NodeJS.ProcessEnv;
  let ticketId: number;
  let deadId: number;

  /** The CLI in this process, with the environment an operator would have. */
  async function jobs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['jobs', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: ROOT_DIR });
    return { code, stdout, stderr };
  }

  beforeAll(async () => {
    h = await startRenewalHarness();
    // The operator's environment points at certdesk's store: DATA_DIR, and DATABASE_URL with PostgreSQL.
    env = { DATA_DIR: h.svc.dataDir, PORT: '0', SANDBOX_PORT: '0', ...h.svc.database.env };
    // Zendesk refuses to show the ticket once (a 422 no retry can fix): the job dies.
    h.svc.sandbox!.faults.failNext({ status: 422, count: 1, path: '/api/v2/tickets/*' });
    ticketId = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain) });
    await h.settle();
    const dead = await h.svc.store.jobs.list({ state: 'dead' });
    expect(dead).toHaveLength(1);
    deadId = dead[0]!.id;
  });
  afterAll(() => h?.stop());

  it('jobs list --dead shows the dead job with its error; jobs list shows nothing else pending', async () => {
    const listed = await jobs('list', '--dead');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^\\s*${deadId}\\s+dead\\s+ticket-event\\s+ticket:${ticketId}\\s`, 'm'));
    expect(listed.stdout).toContain('Zendesk refused GET /api/v2/tickets/');
    const all = await jobs('list', '--json');
    expect(JSON.parse(all.stdout)).toEqual([expect.objectContaining({ id: deadId, state: 'dead', kind: 'ticket-event' })]);
  });

  it('jobs retry <id> replays it: the running certdesk picks it up and the renewal goes on', async () => {
    const retried = await jobs('retry', String(deadId));
    expect(retried).toMatchObject({ code: 0, stderr: '' });
    expect(retried.stdout).toMatch(new RegExp(`Queued again: job ${deadId} \\(ticket-event, ticket:${ticketId}\\), which had died with: Zendesk refused`));
    h.svc.worker!.notify();
    await h.settle();
    expect((await h.ticket(ticketId)).tags).toContain('cert_renewal_csr_sent');
    expect(await h.svc.store.jobs.get(deadId)).toMatchObject({ state: 'done', attempts: 1 });
    expect((await jobs('list', '--dead')).stdout).toBe('No dead jobs.\n');
  });

  it('refuses to replay a job that is not dead, and says when there is nothing to retry', async () => {
    expect(await jobs('retry', String(deadId))).toMatchObject({ code: 1, stderr: expect.stringContaining(`job ${deadId} is done, not dead`) });
    expect(await jobs('retry', '999999')).toMatchObject({ code: 1, stderr: expect.stringContaining('there is no job 999999') });
    expect(await jobs('retry', '--dead')).toMatchObject({ code: 1, stderr: expect.stringContaining('no dead jobs') });
  });

  it('jobs retry --dead replays every dead job', async () => {
    h.svc.sandbox!.faults.failNext({ status: 422, count: 2, path: '/api/v2/tickets/*' });
    const a = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain) });
    await h.settle();
    const b = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain) });
    await h.settle();
    const dead = (await h.svc.store.jobs.list({ state: 'dead' })).map((j) => j.id);
    expect(dead).toHaveLength(2);
    const retried = await jobs('retry', '--dead');
    expect(retried).toMatchObject({ code: 0, stdout: `Queued again: 2 dead jobs (${dead.join(', ')}).\n` });
    h.svc.worker!.notify();
    await h.settle();
    // Both handled now (the same site again is linked to the renewal in progress; either way a state tag).
    for (const id of [a, b]) expect((await h.ticket(id)).tags.filter((t) => t.startsWith('cert_renewal_'))).toHaveLength(1);
    expect((await h.svc.store.jobs.countByState()).dead).toBe(0);
  });

  it.each([
    [['retry'], /give one job id, or --dead/],
    [['retry', '12', '--dead'], /give one job id, or --dead/],
    [['retry', 'abc'], /"abc" is not a job id/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['purge'], /unknown jobs command "purge"/],
  ])('jobs %j is a usage error (exit 2)', async (args, message) => {
    const r = await jobs(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  // Without DATABASE_URL the store is DATA_DIR's SQLite file, whichever store the run exercises.
  it('says where it looked when DATA_DIR holds no database and DATABASE_URL is unset (exit 2)', async () => {
    let stderr = '';
    const { DATABASE_URL: _url, ...withoutUrl } = env;
    const r = await runCli(['jobs', 'list'], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      env: { ...withoutUrl, DATA_DIR: join(h.svc.dataDir, 'nowhere') },
      cwd: ROOT_DIR,
    });
    expect(r).toBe(2);
    expect(stderr).toMatch(/there is no certdesk database at .*nowhere.*certdesk\.db: set DATA_DIR/);
  });

  it('says which PostgreSQL it could not reach when DATABASE_URL points at nothing, without the password (exit 2, as a missing SQLite file)', async () => {
    let stderr = '';
    const url = 'postgres://certdesk:jobs-never-prints-this@127.0.0.1:1/certdesk';
    const r = await runCli(['jobs', 'list'], { stdout: () => undefined, stderr: (t) => (stderr += t), env: { ...env, DATABASE_URL: url }, cwd: ROOT_DIR });
    expect(r).toBe(2);
    expect(stderr).not.toContain('internal error');
    expect(stderr).toContain('Check DATABASE_URL and that the database accepts connections.');
    expect(stderr).toMatch(/^certdesk jobs: .*PostgreSQL store at postgres:\/\/certdesk@127\.0\.0\.1:1\/certdesk could not be opened: .*ECONNREFUSED/);
    expect(stderr).not.toContain('jobs-never-prints-this');
  });

  it('runs from a checkout as `npm run cli -- jobs list`, result on stdout only', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cli/main.ts', 'jobs', 'list', '--json'], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
    });
    expect(JSON.parse(stdout)).toEqual([]);
  }, 30_000);
});
