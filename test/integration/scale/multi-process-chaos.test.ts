import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import type { Store } from '../../../src/ports/store.js';
import type { PostgresStore } from '../../../src/adapters/store/postgres/open-postgres-store.js';
import { certdeskProcess, transpiledService, type CertdeskProcess } from '../../helpers/certdesk-process.js';
import { FORM } from '../../helpers/renewal-harness.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { startSniFileServer, type SniFileServer } from '../../helpers/sni-file-server.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../../helpers/test-store.js';
import { seededRandom, startWebhookRelay, type WebhookRelay } from '../../helpers/webhook-relay.js';

/**
 * Issue 16's scale-out guarantees, shown with real processes: three `certdesk worker` and two
 * `certdesk web` processes on one PostgreSQL database renew 200 certificates while
 * - every webhook the sandbox sends is delivered twice, to random web processes, shuffled
 *   (test/helpers/webhook-relay.ts),
 * - one worker is SIGKILLed every 2–4 s and started again,
 * - installs go through INSTALLER=command with a script that refuses, and records, an install of a
 *   site while another of the same site is in progress (a marker directory per site), into a TLS
 *   server of the test's that serves what the script wrote (INSTALL_VERIFY_ADDR).
 * The customers answer each CSR with a certificate from the test's CA, as in the end-to-end tests.
 * At the end: every renewal installed, one CSR comment and one key per ticket, no concurrent install,
 * no two runs of one ticket's jobs overlapping in time (from the workers' `job started` / `job
 * ended` lines; a killed process's run ends at its kill), no job dead or left undone.
 *
 * Knobs (test only): CHAOS_RENEWALS (200), CHAOS_KILL_MS (2000: a kill every 2–4 s), CHAOS_SEED
 * (the relay's and the chaos's choices), CHAOS_DEADLINE_MS, CHAOS_LOG_DIR (writes the workers' logs).
 * @store postgres-only
 */

const RENEWALS = Number(process.env.CHAOS_RENEWALS ?? 200);
const WORKERS = 3;
const WEBS = 2;
const SEED = Number(process.env.CHAOS_SEED ?? 16);
/** A worker is killed every KILL_MS to 2 × KILL_MS (a random pause, from the seed). */
const KILL_MS = Number(process.env.CHAOS_KILL_MS ?? 2000);
/** How long the whole run may take before the test gives up (it reports where it was). */
const DEADLINE_MS = Number(process.env.CHAOS_DEADLINE_MS ?? 720_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const siteOf = (i: number) => `my.chaos-${String(i).padStart(3, '0')}.example`;
const isCsrComment = (c: { body: string }) => c.body.includes('BEGIN CERTIFICATE REQUEST');

/** One JSON log line of a certdesk process (pino), as far as this test reads it. */
interface LogLine {
  time: string;
  msg: string;
  jobId?: number;
  kind?: string;
  attempt?: number;
  serialKey?: string | null;
  worker?: string;
}

function logLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // a line cut short by SIGKILL
    }
  }
  return lines;
}

/** One run of a job by one worker instance: from `job started` to `job ended`, or to the kill of its process. */
interface Run {
  jobId: number;
  kind: string;
  serialKey: string;
  worker: string;
  start: number;
  end: number;
  /** True when the process was killed before it logged the end. */
  killed: boolean;
}

/**
 * The runs in one worker process's output. `segments` are the output of each instance (one per
 * start) with the time it was killed (null: still running). A run a killed instance never logged
 * the end of is returned in `cut`: it ended at the kill at the latest.
 */
function runsOf(segments: { text: string; killedAt: number | null }[]): { runs: Run[]; cut: Run[] } {
  const runs: Run[] = [];
  const cut: Run[] = [];
  for (const segment of segments) {
    const open = new Map<string, Run>();
    for (const line of logLines(segment.text)) {
      if (line.msg !== 'job started' && line.msg !== 'job ended') continue;
      if (!line.serialKey || line.jobId === undefined || !line.worker) continue;
      const key = `${line.worker}:${line.jobId}`;
      const at = Date.parse(line.time);
      if (line.msg === 'job started')
        open.set(key, {
          jobId: line.jobId,
          kind: line.kind ?? '?',
          serialKey: line.serialKey,
          worker: line.worker,
          start: at,
          end: Number.POSITIVE_INFINITY,
          killed: false,
        });
      else {
        const run = open.get(key);
        if (run) runs.push({ ...run, end: at });
        open.delete(key);
      }
    }
    for (const run of open.values()) {
      if (segment.killedAt === null) runs.push(run);
      else cut.push({ ...run, end: segment.killedAt, killed: true });
    }
  }
  return { runs, cut };
}

/** Pairs of runs of one serial key that overlap in time, in words. */
function overlaps(runs: Run[]): string[] {
  const found: string[] = [];
  const byKey = new Map<string, Run[]>();
  for (const run of runs) byKey.set(run.serialKey, [...(byKey.get(run.serialKey) ?? []), run]);
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.start - b.start);
    let latest: Run | null = null;
    for (const run of list) {
      if (latest && run.start < latest.end) {
        found.push(
          `${key}: job ${run.jobId} (${run.kind}) started by ${run.worker} at ${new Date(run.start).toISOString()} while job ${latest.jobId} (${latest.kind}) ran in ${latest.worker} until ${Number.isFinite(latest.end) ? new Date(latest.end).toISOString() : 'the end'}${latest.killed ? ' (killed)' : ''}`,
        );
      }
      if (!latest || run.end > latest.end) latest = run;
    }
  }
  return found;
}

/** The SHA-256 of the leaf `address` serves for `site`. */
function servedSha256(address: string, site: string, ca: TestCa): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(port), servername: site, ca: [ca.root.pem] }, () => {
      resolve(createHash('sha256').update(socket.getPeerCertificate().raw).digest('hex'));
      socket.end();
    });
    socket.on('error', reject);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * A customer's write to the sandbox on a connection of its own. Pooled keep-alive connections can be
 * reset by the server just as a request is sent on them (the server, in this busy test process,
 * closes an idle one late), and a write that failed that way cannot be repeated safely: it may
 * have been applied. A fresh connection has no such race.
 */
function customerWrite(zd: TestSandbox, email: string, method: string, path: string, body: unknown): Promise<{ status: number; text: string; body: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, zd.url),
      {
        method,
        agent: false,
        headers: {
          authorization: `Basic ${Buffer.from(`${email}/token:sandbox-token`).toString('base64')}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Reads are safe to repeat: a few tries over a reset connection. */
async function retried<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(200 * attempt);
    }
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The install script: a per-site marker makes two installs of one site at once visible. */
function installScript(dir: string): string {
  return `#!/bin/sh
# One install of $CERTDESK_SITE. A second install of the site while one is in progress cannot
# create the marker: it is recorded in concurrent.log and fails.
marker="${dir}/markers/$CERTDESK_SITE.installing"
if ! mkdir "$marker" 2>/dev/null; then
  echo "CONCURRENT $CERTDESK_SITE ticket $CERTDESK_TICKET_ID" >> "${dir}/concurrent.log"
  exit 1
fi
tmp="${dir}/pairs/.$CERTDESK_SITE.$$"
cat "$CERTDESK_PRIVKEY" "$CERTDESK_FULLCHAIN" > "$tmp"
mv "$tmp" "${dir}/pairs/$CERTDESK_SITE.pem"
echo "$CERTDESK_SITE $CERTDESK_TICKET_ID" >> "${dir}/installs.log"
# Long enough for an overlapping install to find the marker.
sleep 0.1
rmdir "$marker"
`;
}

describe.runIf(TEST_STORE === 'postgres')('many certdesk processes on one PostgreSQL, under chaos', () => {
  let zd: TestSandbox | null = null;
  let database: TestDatabase | null = null;
  let store: Store | null = null;
  let relay: WebhookRelay | null = null;
  let tlsServer: SniFileServer | null = null;
  let service: Awaited<ReturnType<typeof transpiledService>> | null = null;
  const processes: CertdeskProcess[] = [];
  const work = mkdtempSync(join(tmpdir(), 'certdesk-chaos-'));
  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    // Every process's log, for a failed run too (the web processes' show what each delivery became).
    if (process.env.CHAOS_LOG_DIR)
      processes.forEach((p, i) => writeFileSync(join(process.env.CHAOS_LOG_DIR!, `${i < WEBS ? `web-${i}` : `worker-${i - WEBS}`}.log`), p.output()));
    await relay?.close();
    await tlsServer?.close();
    await store?.close();
    await zd?.close();
    await database?.drop();
    for (const p of processes) rmSync(p.dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    service?.remove();
  });

  it(
    `${WORKERS} workers and ${WEBS} web processes renew ${RENEWALS} certificates: duplicated shuffled webhooks, a worker killed every 2–4 s`,
    async () => {
      // The service as JavaScript: a restart takes ~2–3 s on the loaded test machine, through tsx ~9 s.
      service = await transpiledService();
      const began = Date.now();
      const random = seededRandom(SEED);
      const ca = createTestCa('Chaos');
      zd = await startTestSandbox({ demoData: true });
      // A provider with thousands of sites runs on an account with Zendesk's High Volume API add-on
      // (2,500 requests a minute): at the default 700 this run's ~3,500 calls alone take five minutes.
      zd.sandbox.account.apiRateLimitPerMinute = 2500;
      const demo = zd.demo!;
      database = await createTestDatabase();
      store = await database.open();

      for (const d of ['markers', 'pairs']) mkdirSync(join(work, d));
      const sites = Array.from({ length: RENEWALS }, (_, i) => siteOf(i + 1));
      const domainsFile = join(work, 'domains.json');
      writeFileSync(domainsFile, JSON.stringify(sites.map((domain) => ({ domain, organizationId: demo.organization.id, contacts: [demo.customer.email] }))));
      const script = join(work, 'install.sh');
      writeFileSync(script, installScript(work), { mode: 0o755 });
      tlsServer = await startSniFileServer(join(work, 'pairs'));

      const webUrls: string[] = [];
      relay = await startWebhookRelay({ targets: webUrls, copies: 2, windowMs: 150, random });
      const hook = await zd.subscribe(relay.url);
      const env = {
        ...database.env,
        DOMAINS_FILE: domainsFile,
        EXTRA_CA_FILE: ca.rootFile,
        INSTALLER: 'command',
        INSTALL_COMMAND: script,
        INSTALL_VERIFY_ADDR: tlsServer.address,
        EXPIRY_WATCH_INTERVAL_SECONDS: 'off',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        // A killed worker's job is taken over after its lease: short, but longer than a loaded event loop's stalls.
        JOB_LEASE_SECONDS: '3',
      };
      const webs = await Promise.all(
        Array.from({ length: WEBS }, () => certdeskProcess(zd!, env, { role: 'web', webhookSecret: hook.secret, entry: service!.entry })),
      );
      const workers = await Promise.all(
        Array.from({ length: WORKERS }, () => certdeskProcess(zd!, env, { role: 'worker', webhookSecret: hook.secret, entry: service!.entry })),
      );
      processes.push(...webs, ...workers);
      await Promise.all(processes.map((p) => p.start()));
      webUrls.push(...webs.map((w) => `${w.url}/webhooks/zendesk`));
      const started = Date.now();

      // The chaos: every 2–4 s one worker that is up is killed and started again.
      const kills: { worker: number; at: number; outputLength: number }[] = [];
      const restarting = new Set<number>();
      const restartMs: number[] = [];
      const restarts: Promise<void>[] = [];
      let chaos = true;
      const chaosLoop = (async () => {
        while (chaos) {
          await sleep(KILL_MS + random() * KILL_MS);
          if (!chaos) break;
          const up = workers.map((_, i) => i).filter((i) => !restarting.has(i));
          if (up.length === 0) continue;
          const i = up[Math.floor(random() * up.length)]!;
          restarting.add(i);
          await workers[i]!.kill('SIGKILL');
          kills.push({ worker: i, at: Date.now(), outputLength: workers[i]!.output().length });
          const restartBegan = Date.now();
          restarts.push(
            workers[i]!.start().finally(() => {
              restartMs.push(Date.now() - restartBegan);
              restarting.delete(i);
            }),
          );
        }
      })();

      // The customers: a request per site, then a certificate for the CSR certdesk posts.
      const tickets = new Map<number, string>();
      const issued = new Map<number, string>();
      await eachLimited(sites, 8, async (site) => {
        const created = await customerWrite(zd!, demo.customer.email, 'POST', '/api/v2/tickets', {
          ticket: { subject: `Certificate renewal for ${site}`, priority: 'low', comment: { body: FORM(site) } },
        });
        expect(created.status, created.text).toBe(201);
        tickets.set(created.body.ticket.id as number, site);
      });
      const ticketsCreatedMs = Date.now() - started;

      let installed = 0;
      let lastProgress = '';
      let lastPrinted = Date.now();
      let renewalsNow: Awaited<ReturnType<Store['renewals']['list']>> = [];
      while (true) {
        if (Date.now() - began > DEADLINE_MS) {
          const stuck = renewalsNow
            .filter((r) => r.state !== 'installed')
            .map((r) => `${r.ticketId}: ${r.state}${issued.has(r.ticketId) ? ' (certificate sent)' : ''}`);
          throw new Error(
            `not done after ${DEADLINE_MS / 1000} s: ${lastProgress}; relay ${JSON.stringify(relay.stats)}, ${relay.failures.length} failed copies; not installed: ${stuck.slice(0, 20).join(', ')}`,
          );
        }
        const renewals = await store.renewals.list();
        renewalsNow = renewals;
        installed = renewals.filter((r) => r.state === 'installed').length;
        const waiting = renewals.filter((r) => r.state === 'awaiting_certificate' && tickets.has(r.ticketId) && !issued.has(r.ticketId));
        await eachLimited(waiting, 6, async (r) => {
          const comments = (await retried(() => zd!.client.listComments(r.ticketId))).filter((c) => c.author_id === zd!.sandbox.apiUser.id && isCsrComment(c));
          if (comments.length === 0) return; // recorded, not posted yet
          const site = tickets.get(r.ticketId)!;
          const leaf = ca.issue(csrFrom(comments[0]!.body), site);
          const reply = await customerWrite(zd!, demo.customer.email, 'PUT', `/api/v2/tickets/${r.ticketId}`, {
            ticket: { comment: { body: `here:\n${leaf.pem}${ca.intermediate.pem}`, public: true } },
          });
          expect(reply.status, reply.text).toBe(200);
          issued.set(r.ticketId, leaf.sha256);
        });
        const byState: Record<string, number> = {};
        for (const r of renewals) byState[r.state] = (byState[r.state] ?? 0) + 1;
        lastProgress = `${JSON.stringify(byState)}, ${issued.size} certificates sent, ${kills.length} kills`;
        if (Date.now() - lastPrinted > 30_000) {
          lastPrinted = Date.now();
          console.info(`chaos after ${((Date.now() - started) / 1000).toFixed(0)} s: ${lastProgress}`);
        }
        if (installed === RENEWALS) break;
        await sleep(500);
      }
      const allInstalledMs = Date.now() - started;

      // Quiet down: no more kills, every worker up, every delivery forwarded, every job finished.
      chaos = false;
      await chaosLoop;
      await Promise.all(restarts);
      for (let quiet = 0; quiet < 2; ) {
        if (Date.now() - began > DEADLINE_MS) throw new Error('the jobs did not finish');
        await zd.sandbox.webhooksIdle();
        await relay.idle();
        await sleep(300);
        const jobs = await store.jobs.countByState();
        quiet = jobs.queued === 0 && jobs.running === 0 ? quiet + 1 : 0;
      }
      const wallMs = Date.now() - began;

      // The runs of every ticket's jobs, across every worker process and restart.
      const allRuns: Run[] = [];
      const cut: Run[] = [];
      workers.forEach((w, i) => {
        const out = w.output();
        const segments: { text: string; killedAt: number | null }[] = [];
        let from = 0;
        for (const k of kills.filter((k) => k.worker === i)) {
          segments.push({ text: out.slice(from, k.outputLength), killedAt: k.at });
          from = k.outputLength;
        }
        segments.push({ text: out.slice(from), killedAt: null });
        const found = runsOf(segments);
        allRuns.push(...found.runs);
        cut.push(...found.cut);
      });
      // A run cut by a kill whose job started again later was interrupted: it lasted until the kill.
      // One whose job never started again had finished (its outcome recorded) and its end line was
      // lost with the process's last buffered output: its end is unknown, so it is left out (counted).
      let unknownEnd = 0;
      for (const run of cut) {
        if ([...allRuns, ...cut].some((r) => r.jobId === run.jobId && r.start > run.start)) allRuns.push(run);
        else unknownEnd++;
      }
      // The logs saw every ticket job the store has done (a check on the check), except a job that
      // finished just before its process was killed, with its lines still buffered (pino writes
      // asynchronously): it is accepted only when a kill followed its finish within 2 s.
      const logged = new Set([...allRuns, ...cut].map((r) => r.jobId));
      const sql = (store as PostgresStore).sql;
      const ticketJobs = (
        await sql.query<{ id: number; kind: string; finished_at: number }>(
          `SELECT id, kind, finished_at FROM jobs WHERE state = 'done' AND serial_key IS NOT NULL`,
        )
      ).rows;
      const unlogged = ticketJobs.filter((j) => !logged.has(Number(j.id)));
      const unexplained = unlogged.filter((j) => !kills.some((k) => k.at >= Number(j.finished_at) && k.at - Number(j.finished_at) <= 2000));

      const jobs = await store.jobs.countByState();
      const apiCalls = processes.reduce((sum, p) => sum + logLines(p.output()).filter((l) => l.msg === 'Zendesk request').length, 0);
      console.info(
        [
          `chaos: ${RENEWALS} renewals by ${WORKERS} workers and ${WEBS} web processes on PostgreSQL`,
          `  ${kills.length} workers SIGKILLed and restarted; ${relay.stats.received} webhooks from the sandbox, ${relay.stats.forwarded} delivered (${relay.stats.forwarded - relay.stats.received} duplicates, ${relay.stats.retries} retried)`,
          `  jobs ${JSON.stringify(jobs)} (${ticketJobs.length} of tickets), ${allRuns.length} runs (${allRuns.filter((r) => r.killed).length} cut short by a kill, ${unknownEnd} finished without an end line, ${unlogged.length} jobs unlogged), ${apiCalls} Zendesk API calls`,
          `  a restart until /readyz: median ${median(restartMs)} ms; a job run: median ${median(allRuns.filter((r) => !r.killed).map((r) => r.end - r.start))} ms`,
          `  tickets created in ${(ticketsCreatedMs / 1000).toFixed(1)} s, all installed after ${(allInstalledMs / 1000).toFixed(1)} s; wall time ${(wallMs / 1000).toFixed(1)} s (seed ${SEED})`,
        ].join('\n'),
      );

      // Every renewal installed, and served: the leaf issued for its ticket's CSR, by the test's server.
      const renewals = await store.renewals.list();
      expect(renewals).toHaveLength(RENEWALS);
      expect(renewals.filter((r) => r.state !== 'installed').map((r) => `${r.ticketId}: ${r.state}`)).toEqual([]);
      expect(new Set(renewals.map((r) => r.ticketId))).toEqual(new Set(tickets.keys()));
      const wrongServed: string[] = [];
      await eachLimited([...tickets], 10, async ([id, site]) => {
        const served = await retried(() => servedSha256(tlsServer!.address, site, ca));
        if (served !== issued.get(id)) wrongServed.push(`${site} (ticket ${id}) serves ${served}, issued ${issued.get(id)}`);
      });
      expect(wrongServed).toEqual([]);

      // Exactly one CSR comment (read from Zendesk) and one key per ticket.
      const wrongCounts: string[] = [];
      await eachLimited([...tickets.keys()], 6, async (id) => {
        const csrs = (await retried(() => zd!.client.listComments(id))).filter((c) => c.author_id === zd!.sandbox.apiUser.id && isCsrComment(c)).length;
        const keys = await store!.keys.countForTicket(id);
        if (csrs !== 1 || keys !== 1) wrongCounts.push(`ticket ${id}: ${csrs} CSR comments, ${keys} keys`);
      });
      expect(wrongCounts).toEqual([]);

      // No site installed by two processes at once; every site installed at least once.
      const concurrentLog = join(work, 'concurrent.log');
      expect(existsSync(concurrentLog) ? readFileSync(concurrentLog, 'utf8') : '').toBe('');
      const installedSites = new Set(
        readFileSync(join(work, 'installs.log'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ')[0]),
      );
      expect(installedSites.size).toBe(RENEWALS);

      // No job dead, none left queued or running; every webhook copy accepted.
      expect(jobs).toMatchObject({ queued: 0, running: 0, dead: 0 });
      expect(relay.failures).toEqual([]);

      // No two runs of one ticket's jobs at the same time.
      expect(unexplained.map((j) => `job ${j.id} (${j.kind}) finished at ${new Date(Number(j.finished_at)).toISOString()} but no worker logged it`)).toEqual(
        [],
      );
      expect(overlaps(allRuns)).toEqual([]);
    },
    DEADLINE_MS + 60_000,
  );
});
