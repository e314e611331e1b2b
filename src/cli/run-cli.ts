import { COMMANDS } from './commands/index.js';
import { EXIT, UsageError, type CliIo } from './command.js';
import { withEnvFile } from '../config/read-env-file.js';
import { loadConfig } from '../config/load-config.js';
import { formatConfig } from '../config/format-config.js';
import { ConfigError } from '../lib/errors.js';

const HELP = `certdesk — automated renewal of branded my.<domain> TLS certificates

Usage: certdesk <command> [options]
       npm run -s cli -- <command> [options]     (from a checkout, no build needed)
       certdesk --print-config                   the effective configuration, secrets masked

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`)
  .join('\n')}

Run "certdesk <command> --help" for a command's options.
Exit codes: 0 success, 1 negative result (rejected bundle, incomplete request), 2 usage error or
unreadable file, 3 internal error.`;

/** Runs the CLI and returns its exit code; the result goes to io.stdout, everything else to io.stderr. */
export async function runCli(argv: string[], ioFromProcess: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  // Every command reads the same environment as the service: the process's over .env / ENV_FILE.
  let io: CliIo;
  let envFile: string | null;
  try {
    const read = withEnvFile(ioFromProcess.env, ioFromProcess.cwd);
    io = { ...ioFromProcess, env: read.env };
    envFile = read.file;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    ioFromProcess.stderr(`certdesk: ${error.problems.join('\n')}\n`);
    return EXIT.usage;
  }
  if (name === '--print-config') return printConfig(io, envFile);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(HELP + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`certdesk: unknown command "${name}". Run "certdesk --help" for the list.\n`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`certdesk ${name}: ${error.message}\n${command.usage}\n`);
      return EXIT.usage;
    }
    io.stderr(`certdesk ${name}: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.internal;
  }
}

/** `certdesk --print-config`: what loadConfig makes of the environment, or its problems (exit 2). */
function printConfig(io: CliIo, envFile: string | null): number {
  try {
    io.stdout(formatConfig(loadConfig(io.env, io.cwd), envFile));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`certdesk: the configuration has problems:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return EXIT.usage;
  }
}
