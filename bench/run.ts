/**
 * `npm run bench [-- name…]`: runs every `bench/*.bench.ts` (or the named ones) one after another
 * and prints one JSON document on stdout: { machine, results: { <name>: <what the bench returned> } }.
 * Each bench measures certdesk and a baseline in the same run and reports both, with ratios.
 * Progress goes to stderr.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();

const results: Record<string, unknown> = {};
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench: ${name}…\n`);
  const started = Date.now();
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<unknown> };
  try {
    results[name] = await mod.default();
  } catch (error) {
    results[name] = { error: error instanceof Error ? error.message : String(error) };
    process.exitCode = 1;
  }
  process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

process.stdout.write(
  JSON.stringify(
    {
      machine: { node: process.version, cpus: os.cpus().length, platform: `${os.platform()} ${os.arch()}` },
      results,
    },
    null,
    2,
  ) + '\n',
);
