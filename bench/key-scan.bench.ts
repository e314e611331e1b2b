/**
 * The key scan (issue 14): what it costs to look for private keys in files certdesk does not open
 * as a bundle, against the platform's floor in the same run.
 * - stream: 11 MiB (a text file, and random bytes) fed in 64 KiB chunks, as a download arrives,
 *   through the key-marker scanner, against `Buffer.indexOf` of the PEM marker alone and SHA-256
 *   of the same bytes;
 * - deep: a 10 MiB deflated ZIP, three archives deep, scanned through every level, against
 *   fflate's `unzipSync` of every level (opening it, nothing more);
 * - memory: RSS growth while 200 MiB stream through one scanner (bounded: no file is held).
 */
import { createHash, randomBytes } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { createKeyMarkerScanner } from '../src/core/redaction/key-markers.js';
import { scanForPrivateKeys } from '../src/core/redaction/scan-for-private-keys.js';
import { ratio, summarize, timeRuns } from './lib.js';

const N = Number(process.env.BENCH_KEY_SCAN_RUNS ?? 7);
const CHUNK = 64 * 1024;
const MARKER = Buffer.from(['PRIVATE', 'KEY-----'].join(' '));

function streamed(data: Buffer): string[] {
  const scanner = createKeyMarkerScanner();
  for (let o = 0; o < data.length; o += CHUNK) scanner.push(data.subarray(o, o + CHUNK));
  return scanner.end();
}

export default async function keyScan() {
  const stream11MiB = async (data: Buffer) => {
    const keyScan = summarize(await timeRuns(N, () => streamed(data)));
    const indexOfMarker = summarize(await timeRuns(N, () => data.indexOf(MARKER)));
    const sha256 = summarize(await timeRuns(N, () => createHash('sha256').update(data).digest()));
    return {
      keyScan,
      indexOfMarker,
      sha256,
      ratioToSha256: ratio(keyScan.medianMs, sha256.medianMs),
      mibPerSecond: Math.round(11 / (keyScan.medianMs / 1000)),
    };
  };
  const text = await stream11MiB(Buffer.alloc(11 * 1024 * 1024, `${'x'.repeat(79)}\n`));
  // Random bytes: a DER SEQUENCE tag every 256 bytes on average, each one looked at.
  const binary = await stream11MiB(randomBytes(11 * 1024 * 1024));

  let zip: Uint8Array = zipSync({ 'notes.txt': randomBytes(10 * 1024 * 1024) }, { level: 6 });
  for (let i = 0; i < 2; i++) zip = zipSync({ [`level${i}.zip`]: zip }, { level: 6 });
  const zipBuffer = Buffer.from(zip);
  const deep = summarize(await timeRuns(N, () => scanForPrivateKeys(zipBuffer, 'outer.zip')));
  const unzipAll = (bytes: Uint8Array): void => {
    for (const [name, inner] of Object.entries(unzipSync(bytes))) if (name.endsWith('.zip')) unzipAll(inner);
  };
  const unzip = summarize(await timeRuns(N, () => unzipAll(zipBuffer)));

  const random = randomBytes(8 * 1024 * 1024);
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const scanner = createKeyMarkerScanner();
  for (let round = 0; round < 25; round++) {
    for (let o = 0; o < random.length; o += CHUNK) scanner.push(random.subarray(o, o + CHUNK));
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  scanner.end();

  return {
    stream11MiB: { text, binary },
    deepZip3Levels10MiB: { keyScan: deep, unzipEveryLevel: unzip, ratio: ratio(deep.medianMs, unzip.medianMs) },
    memory: { streamedMiB: 200, rssGrowthMiB: Math.round(((peak - before) / 1024 / 1024) * 10) / 10 },
  };
}
