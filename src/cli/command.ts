/** What every CLI command gets: streams to write to and the process environment, injected for tests. */
export interface CliIo {
  /** The command's result, and nothing else. */
  stdout: (text: string) => void;
  /** Logs, warnings and error messages. */
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A command; its one line for `certdesk --help` is in commands/index.ts, read without loading it. */
export interface CliCommand {
  name: string;
  /** Full usage text for `certdesk <command> --help`. */
  usage: string;
  /** Returns the process exit code (see EXIT). */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes of DESIGN §3: content problems are findings (1); only usage and unreadable files are 2. */
export const EXIT = {
  ok: 0,
  rejected: 1,
  usage: 2,
  internal: 3,
} as const;

/** Bad flags or arguments, or an input file that cannot be read from disk: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
