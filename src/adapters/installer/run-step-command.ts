import { describeOutcome, firstLine, outputText, succeeded } from './describe-command-run.js';
import type { InstallLog } from './install-log.js';
import { runCommand } from './run-command.js';

export interface StepCommand {
  /** The variable it comes from, as the operator knows it (`NGINX_RELOAD_CMD`). */
  name: string;
  command: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs one of the operator's commands as a step of an install and tells the log how it went (its
 * output only when it failed). Returns null on success, else the reason in one sentence.
 */
export async function runStepCommand(step: StepCommand, log: InstallLog): Promise<string | null> {
  const started = Date.now();
  const run = await runCommand(step.command, { env: step.env, timeoutMs: step.timeoutMs, ...(step.signal ? { signal: step.signal } : {}) });
  if (succeeded(run)) {
    log.add(`${step.name} succeeded (${Date.now() - started} ms).`);
    return null;
  }
  const outcome = describeOutcome(run, step.timeoutMs);
  const output = outputText(run);
  log.warn(`${step.name} ${outcome}${output ? `; its output: ${output}` : ' with no output'}.`);
  const line = firstLine(run);
  // Scrubbed on its own: a PEM header cut from its block would otherwise swallow the rest of the sentence.
  const reason = line === null ? null : log.scrub(line);
  return `${step.name} ${outcome}${reason ? ` (${reason})` : ''}`;
}
