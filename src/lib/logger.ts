import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Field paths whose values are never written. pino's redaction is path based; the second line of
 * defence below scrubs PEM private keys wherever they appear in a line (a message, an error, a
 * payload that a customer pasted one into).
 */
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-zendesk-webhook-signature"]',
  'req.headers["x-certdesk-signature"]',
  '*.authorization',
  '*.Authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'apiToken',
  '*.apiToken',
  'oauthToken',
  '*.oauthToken',
  'secret',
  '*.secret',
  'privateKey',
  '*.privateKey',
  'privateKeyPem',
  '*.privateKeyPem',
  'keyEncryptionKey',
  '*.keyEncryptionKey',
];

// Inside a JSON line a PEM block is one string: stop at its closing quote when the END line is missing.
const PEM_KEY_IN_JSON =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----(?:[^"\\]|\\.)*?(?:-----END \1-----|(?="))/g;

/** Wraps a destination so that no line it receives can carry a PEM private key. */
export function scrubbingDestination(target: DestinationStream): DestinationStream & { flushSync(): void } {
  const t = target as DestinationStream & { flush?: (cb?: (err?: Error) => void) => void; flushSync?: () => void };
  return {
    write(line: string) {
      t.write(line.includes('PRIVATE KEY') ? line.replace(PEM_KEY_IN_JSON, '[private key removed]') : line);
    },
    // pino's logger.flush() and our shutdown path reach the buffered target through these.
    flush(cb?: (err?: Error) => void) {
      if (t.flush) t.flush(cb);
      else cb?.();
    },
    flushSync() {
      try {
        t.flushSync?.();
      } catch {
        // sonic-boom throws if it is mid-write; the remaining bytes are written by its own exit hook.
      }
    },
  } as DestinationStream & { flushSync(): void };
}

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; default: stdout for the service. The CLI passes stderr (fd 2). */
  destination?: DestinationStream;
  fd?: 1 | 2;
  name?: string;
}

/** Creates the JSON logger. Secrets are redacted by path; private keys by content. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? pino.destination({ fd: options.fd ?? 1, sync: false });
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'certdesk',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    scrubbingDestination(target),
  );
}

/** A logger that writes nothing (library use, quiet tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
