import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { certdeskProcess, type CertdeskProcess } from '../../helpers/certdesk-process.js';
import { createLeaf, createRoot } from '../../helpers/pki/chain.js';
import { EXPIRY_WATCH_JOB } from '../../../src/jobs/job-kinds.js';

/**
 * The expiry watch's pass is a job in the durable queue: certdesk killed with SIGKILL in the middle
 * of a pass (a server that accepts connections and never answers holds it) runs that same pass
 * again after the restart, once its lease has run out — never two passes, none lost.
 */
describe('an expiry-watch pass interrupted by SIGKILL', () => {
  let zd: TestSandbox;
  let proc: CertdeskProcess;
  const held = new Set<Socket>();
  let silent: ReturnType<typeof createServer>;
  let answering: tls.Server;

  /** The watch's jobs and records, read from the process's database beside it. */
  const jobs = async () => {
    const store = await proc.database.open();
    try {
      return { jobs: await store.jobs.list({ kind: EXPIRY_WATCH_JOB }), watched: await store.watch.list() };
    } finally {
      await store.close();
    }
  };
  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const v = await read();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${what} did not happen:\n${proc.output()}`);
  }

  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    // A server that takes the TCP connection and never says a word: the handshake waits 5 s.
    silent = createServer((s) => held.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const leaf = createLeaf(createRoot('Kill Test Root'), ['my.answering.example']);
    answering = tls.createServer({ cert: leaf.pem, key: leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }) }, (s) => s.end());
    await new Promise<void>((r) => answering.listen(0, '127.0.0.1', r));
    proc = await certdeskProcess(zd, { EXPIRY_WATCH_INTERVAL_SECONDS: '3600' });
    const registry = [
      { domain: 'my.answering.example', organizationId: zd.demo!.organization.id, address: `127.0.0.1:${(answering.address() as AddressInfo).port}` },
      { domain: 'my.silent.example', organizationId: zd.demo!.organization.id, address: `127.0.0.1:${(silent.address() as AddressInfo).port}` },
    ];
    writeFileSync(join(proc.dataDir, 'domains.json'), JSON.stringify(registry));
  }, 60_000);
  afterAll(async () => {
    await proc?.dispose();
    for (const s of held) s.destroy();
    silent?.close();
    answering?.close();
    await zd?.close();
    if (proc) rmSync(proc.dataDir, { recursive: true, force: true });
  });

  it('runs the same pass again after the restart, and only that one', async () => {
    await proc.start();
    const running = await until('a running pass', jobs, (s) => s.jobs.some((j) => j.state === 'running'));
    expect(running.jobs).toHaveLength(1);
    await proc.kill('SIGKILL');
    // Killed before its pass ended: the silent site was never recorded.
    expect((await jobs()).watched.find((w) => w.site === 'my.silent.example')).toBeUndefined();

    await proc.start();
    const done = await until('the pass to finish after the restart', jobs, (s) => s.jobs.every((j) => j.state === 'done') && s.watched.length === 2);
    expect(done.jobs).toHaveLength(1);
    expect(done.jobs[0]!.attempts).toBe(2);
    const bySite = new Map(done.watched.map((w) => [w.site, w]));
    expect(bySite.get('my.silent.example')).toMatchObject({
      drift: 'handshake_failed',
      served: null,
      error: expect.stringMatching(/^no TLS answer from 127\.0\.0\.1:\d+ within 5 s$/),
    });
    expect(bySite.get('my.answering.example')).toMatchObject({ drift: 'none', installedByCertdesk: false, served: { subject: 'CN=my.answering.example' } });
    // The next pass is an hour away: nothing else is queued.
    expect((await jobs()).jobs).toHaveLength(1);
  }, 60_000);
});
