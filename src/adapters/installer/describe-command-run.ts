import type { CommandRun } from './run-command.js';

/** "exited with status 1", "did not finish within 60 s and was stopped", … */
export function describeOutcome(run: CommandRun, timeoutMs: number): string {
  if (run.timedOut) return `did not finish within ${timeoutMs / 1000} s and was stopped`;
  if (run.cancelled) return 'was stopped because the install was cancelled';
  if (run.exitCode === null) return 'was killed by a signal';
  return `exited with status ${run.exitCode}`;
}

/** True when the command ran to the end and exited 0. */
export function succeeded(run: CommandRun): boolean {
  return run.exitCode === 0 && !run.timedOut && !run.cancelled;
}

/** The command's output for the log, trimmed, saying how much was cut; null when there was none. */
export function outputText(run: CommandRun): string | null {
  const text = run.output.trim();
  if (!text) return null;
  return run.truncatedBytes > 0 ? `[first ${run.truncatedBytes} bytes cut] ${text}` : text;
}

/** The first line of output that says something, shortened: the usual reason a command gives. */
export function firstLine(run: CommandRun): string | null {
  const line = run.output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return null;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
