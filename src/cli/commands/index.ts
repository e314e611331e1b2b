import type { CliCommand } from '../command.js';

/**
 * The CLI's commands, loaded lazily so `certdesk --help` and each command start fast.
 * Add one line per command.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
};
