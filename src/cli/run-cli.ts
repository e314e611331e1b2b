import { COMMANDS } from './commands/index.js';
import { EXIT, UsageError, type CliIo } from './command.js';

const HELP = `certdesk — automated renewal of branded my.<domain> TLS certificates

Usage: certdesk <command> [options]
       npm run -s cli -- <command> [options]     (from a checkout, no build needed)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`)
  .join('\n')}

Run "certdesk <command> --help" for a command's options.
Exit codes: 0 success, 1 negative result (rejected bundle, incomplete request), 2 usage error or
unreadable file, 3 internal error.`;

/** Runs the CLI and returns its exit code; the result goes to io.stdout, everything else to io.stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
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
