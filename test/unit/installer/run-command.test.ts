import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCommand } from '../../../src/adapters/installer/run-command.js';

const env = { PATH: process.env.PATH, GREETING: 'hello' };

describe('running an operator command', () => {
  it('gives the exit status and stdout and stderr together, in the given environment only', async () => {
    const run = await runCommand('echo "$GREETING"; echo oops >&2; echo "[$HOME]"; exit 3', { env, timeoutMs: 10_000 });
    expect(run).toEqual({ exitCode: 3, timedOut: false, cancelled: false, output: 'hello\noops\n[]\n', truncatedBytes: 0 });
  });

  it('keeps only the end of a long output and says how much was cut', async () => {
    const run = await runCommand('i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done', { env, timeoutMs: 10_000, maxOutputBytes: 100 });
    expect(run.exitCode).toBe(0);
    expect(Buffer.byteLength(run.output)).toBe(100);
    expect(run.output.endsWith('line 1999\n')).toBe(true);
    expect(run.truncatedBytes + 100).toBe(Buffer.byteLength(Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('')));
  });

  it('stops a command that outlives its timeout, and what it started', async () => {
    const run = await runCommand('sleep 30 & echo $!; wait', { env, timeoutMs: 200 });
    expect(run).toMatchObject({ timedOut: true, exitCode: null });
    expect(processState(Number(run.output.trim()))).not.toBe('running');
  });

  it('stops a command when the install is cancelled', async () => {
    const abort = new AbortController();
    const running = runCommand('echo started; sleep 30', { env, timeoutMs: 30_000, signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    expect(await running).toMatchObject({ cancelled: true, timedOut: false, exitCode: null });
  });

  it('returns once the command exits even if something it left behind keeps the output open', async () => {
    const run = await runCommand('sleep 3 & echo done', { env, timeoutMs: 30_000 });
    expect(run).toMatchObject({ exitCode: 0, timedOut: false, output: 'done\n' });
  });
});

/** "running", "zombie" (exited, not yet reaped by whoever adopted it) or "gone". */
function processState(pid: number): string {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) ? 'zombie' : 'running';
  } catch {
    return 'gone';
  }
}
