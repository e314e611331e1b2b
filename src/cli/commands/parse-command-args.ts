import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../command.js';

/**
 * node:util's parseArgs over a command's arguments, with what it refuses (an unknown option, a
 * missing value) thrown as a UsageError: the CLI prints it with the usage and exits 2.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
