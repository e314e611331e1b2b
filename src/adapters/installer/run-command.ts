import { spawn } from 'node:child_process';

export interface CommandRun {
  /** Exit status, or null when the command was stopped by a signal. */
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved; when longer than the cap, only its end (the part that says why). */
  output: string;
  /** Bytes of output dropped from the start. */
  truncatedBytes: number;
}

export interface RunCommandOptions {
  /** The whole environment of the command. */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Output kept (default 16 KiB). */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/** After SIGTERM, how long a command gets to finish before SIGKILL. */
const KILL_GRACE_MS = 2000;

/**
 * Runs an operator's command line with `/bin/sh -c`, in its own process group so that a timeout
 * or cancellation stops everything it started (a shell's `sleep` would otherwise keep the pipes
 * open). Never throws for the command's failures: they are in the result.
 */
export function runCommand(command: string, options: RunCommandOptions): Promise<CommandRun> {
  const cap = options.maxOutputBytes ?? 16 * 1024;
  return new Promise((resolve, reject) => {
    // One pipe for both streams keeps their lines in the order the command wrote them.
    const child = spawn('/bin/sh', ['-c', `exec 2>&1\n${command}`], { env: options.env, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    let chunks: Buffer[] = [];
    let kept = 0;
    let dropped = 0;
    const collect = (chunk: Buffer) => {
      chunks.push(chunk);
      kept += chunk.length;
      if (kept > cap * 2) {
        const all = Buffer.concat(chunks);
        dropped += all.length - cap;
        chunks = [all.subarray(all.length - cap)];
        kept = cap;
      }
    };
    child.stdout.on('data', collect);

    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      signalGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // A background process the command left behind may hold the pipes open: once the shell has
    // exited, its output is read for a moment more and then the pipes are closed on our side.
    child.once('exit', () => {
      setTimeout(() => child.stdout.destroy(), 1000).unref();
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const all = Buffer.concat(chunks);
      const excess = Math.max(0, all.length - cap);
      resolve({
        exitCode: signal ? null : code,
        timedOut,
        cancelled,
        output: all.subarray(excess).toString('utf8'),
        truncatedBytes: dropped + excess,
      });
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
