/**
 * One side of the watch-pass benchmark, alone in its process so that its peak memory (maxRSS) is
 * its own. `certdesk`: runWatchPass over SITES registry sites (store, registry, judging, batched
 * records). `baseline`: the same handshakes with bare tls.connect, the same concurrency, reading
 * the leaf and nothing else. Prints { ms, cpuMs, maxRssMb, heapPeakMb, sites, failed } on stdout:
 * cpuMs (this process's user + system time) is what the pass costs whatever else the machine runs.
 * Usage: tsx bench/watch-pass-child.ts certdesk|baseline PORT SITES CONCURRENCY
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { openStore } from '../src/adapters/store/open-store.js';
import { parseDomainRegistry } from '../src/core/registry/domain-registry.js';
import { runWatchPass } from '../src/jobs/watch/run-watch-pass.js';
import { lookAtAddress } from '../src/adapters/installer/look-at-address.js';
import { systemClock } from '../src/lib/clock.js';

const [mode, portText, sitesText, concurrencyText] = process.argv.slice(2);
const port = Number(portText);
const sites = Array.from({ length: Number(sitesText) }, (_, i) => `my.site-${i}.bench.example`);
const concurrency = Number(concurrencyText);
const address = `127.0.0.1:${port}`;

let heapPeak = 0;
const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);

async function baseline(): Promise<number> {
  let failed = 0;
  let next = 0;
  const one = (servername: string) =>
    new Promise<void>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
        if (!socket.getPeerCertificate().raw) failed++;
        socket.destroy();
        resolve();
      });
      socket.on('error', () => {
        failed++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sites.length) await one(sites[next++]!);
    }),
  );
  return failed;
}

async function certdesk(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-watch-'));
  const store = openStore({ file: join(dir, 'certdesk.db') });
  try {
    const { registry, problems } = parseDomainRegistry(sites.map((domain, i) => ({ domain, organizationId: 1 + (i % 50) })));
    if (problems.length > 0) throw new Error(problems[0]);
    // certdesk installed a certificate for every other site (not the one served: every one of those drifts).
    await store.transaction(async () => {
      for (const [i, domain] of sites.entries()) {
        if (i % 2 === 0)
          await store.sites.record({
            domain,
            certSha256: 'ab'.repeat(32),
            fullchainPem: '',
            notAfter: '2027-01-01T00:00:00.000Z',
            installedAt: 0,
            ticketId: i,
          });
      }
    });
    const watched = await runWatchPass({ store, registry, clock: systemClock, look: lookAtAddress(), defaultAddresses: [address], concurrency });
    if ((await store.watch.list()).length !== sites.length) throw new Error('not every site was recorded');
    return watched.filter((w) => w.drift === 'handshake_failed').length;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Static imports are loaded before the clock starts: module loading is not part of either side.
const t = process.hrtime.bigint();
const cpu = process.cpuUsage();
const failed = mode === 'certdesk' ? await certdesk() : await baseline();
const ms = Number(process.hrtime.bigint() - t) / 1e6;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
process.stdout.write(
  JSON.stringify({
    ms: Math.round(ms),
    cpuMs: Math.round((used.user + used.system) / 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapPeakMb: Math.round(heapPeak / 1048576),
    sites: sites.length,
    failed,
  }) + '\n',
);
