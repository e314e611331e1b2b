import type { Logger } from '../../lib/logger.js';
import { scrubKeyMaterial } from './scrub-key-material.js';

/**
 * The sentences of one install attempt, for the result's `log` (an agent reads them in a note) and
 * mirrored to the service log with the ticket and site. Every sentence is scrubbed of the key.
 */
export class InstallLog {
  readonly lines: string[] = [];
  private readonly started = Date.now();

  constructor(
    private readonly logger: Logger,
    private readonly context: { ticketId: number; site: string; installer: string },
    private readonly privateKeyPems: readonly string[],
  ) {}

  /** The text without the key being installed (for anything else leaving the attempt, such as the error). */
  scrub(text: string): string {
    return scrubKeyMaterial(text, this.privateKeyPems);
  }

  add(sentence: string): void {
    const line = scrubKeyMaterial(sentence, this.privateKeyPems);
    this.lines.push(line);
    this.logger.info(this.context, line);
  }

  warn(sentence: string): void {
    const line = scrubKeyMaterial(sentence, this.privateKeyPems);
    this.lines.push(line);
    this.logger.warn(this.context, line);
  }

  /** Milliseconds since the attempt started. */
  elapsedMs(): number {
    return Date.now() - this.started;
  }
}
