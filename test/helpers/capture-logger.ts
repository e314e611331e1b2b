import { createLogger, type Logger } from '../../src/lib/logger.js';

/**
 * A real certdesk logger (same redaction and scrubbing as production) whose JSON lines are kept in
 * memory, so tests can assert on them and scan them for secrets.
 */
export function captureLogger(level = 'debug'): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
}
