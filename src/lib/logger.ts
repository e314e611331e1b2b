import { pino, type Logger, type DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { Clock } from './clock.js';

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
  // The other secrets' names in Config (config.ts) and ACME's: an object holding one that is logged
  // whole (an error's context, a settings object) loses the value, not the line.
  'encryptionKey',
  '*.encryptionKey',
  'clientSecret',
  '*.clientSecret',
  'refreshToken',
  '*.refreshToken',
  'webhookSecret',
  '*.webhookSecret',
  'webhookSecretPrevious',
  '*.webhookSecretPrevious',
  'hmacKey',
  '*.hmacKey',
  'accountKey',
  '*.accountKey',
];

// Inside a JSON line a PEM block is one string: stop at its closing quote when the END line is missing.
const PEM_KEY_IN_JSON = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----(?:[^"\\]|\\.)*?(?:-----END \1-----|(?="))/g;

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

/** `LOG_FORMAT`: JSON lines for machines, or one readable line per event (and its fields) for people. */
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level?: string;
  /** Where lines go; default: stdout for the service. The CLI passes stderr (fd 2). */
  destination?: DestinationStream;
  fd?: 1 | 2;
  name?: string;
  /** Default json. main.ts picks pretty when stdout is a terminal and LOG_FORMAT is unset. */
  format?: LogFormat;
  /** Pretty format only: ANSI colours (default: when the output is a terminal). */
  colorize?: boolean;
  /** The time written on each line (tests fix it). */
  clock?: Clock;
}

/**
 * Creates the logger. Secrets are redacted by path, and private keys by content, on the JSON line
 * pino writes — before the pretty format reads it, so both formats carry the same redactions.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const target =
    options.format === 'pretty'
      ? prettyDestination(options.destination ?? fd, options.colorize ?? (options.destination === undefined && isTerminal(fd)))
      : (options.destination ?? pino.destination({ fd, sync: false }));
  const clock = options.clock;
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'certdesk',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: clock ? () => `,"time":"${clock.now().toISOString()}"` : pino.stdTimeFunctions.isoTime,
    },
    scrubbingDestination(target),
  );
}

/**
 * pino-pretty's formatter called in this process on each (already scrubbed) JSON line: no worker
 * thread and no stream pipeline, so a line is written when it is logged and nothing is lost at exit.
 * `[2026-12-03 10:00:00.000] INFO: certdesk started`, then one indented `key: value` per field;
 * times in UTC like the JSON's; pid and name left out (one process, always certdesk).
 */
function prettyDestination(destination: DestinationStream | number, colorize: boolean): DestinationStream {
  const format = prettyFactory({ colorize, translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname,name' });
  const target = typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  return {
    write(line: string) {
      target.write(format(line));
    },
  };
}

function isTerminal(fd: number): boolean {
  return (fd === 2 ? process.stderr : process.stdout).isTTY === true;
}

/** A logger that writes nothing (library use, quiet tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
