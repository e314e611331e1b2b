import { isAbsolute, resolve } from 'node:path';
import { redactUrl } from './redact-url.js';

/** Bounds of a whole-number setting, and the unit its problem message names. */
export interface WholeNumberRange {
  min: number;
  /** No upper bound when absent. */
  max?: number;
  unit?: 'seconds' | 'days';
  /** The value "off" is accepted too, and read as null. */
  off?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The environment as the configuration readers see it: one variable at a time, a blank value read as
 * unset, and each value that cannot be used noted as one plain sentence in `problems` (loadConfig
 * throws them all at once). A variable with a problem reads as its default, so reading goes on and
 * every problem is found in one start. Secrets are never put into a problem.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
  ) {}

  /** The trimmed value, or undefined when unset or blank. */
  get(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** A TCP port; `"off"` is accepted (as null) for the settings whose default is off. */
  port(name: string, fallback: number): number;
  port(name: string, fallback: null): number | null;
  port(name: string, fallback: number | null): number | null {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    if (raw === 'off' && fallback === null) return null;
    if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
      this.problem(`${name} must be a port number between 0 and 65535${fallback === null ? ' or "off"' : ''} (got "${raw}").`);
      return fallback;
    }
    return Number(raw);
  }

  wholeNumber(name: string, fallback: number, range: WholeNumberRange & { off?: false }): number;
  wholeNumber(name: string, fallback: number | null, range: WholeNumberRange): number | null;
  wholeNumber(name: string, fallback: number | null, { min, max, unit, off }: WholeNumberRange): number | null {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    if (off && raw === 'off') return null;
    if (!/^\d+$/.test(raw) || Number(raw) < min || (max !== undefined && Number(raw) > max)) {
      const bounds = max === undefined ? `, at least ${min}` : ` between ${min} and ${max}`;
      this.problem(`${name} must be a whole number${unit ? ` of ${unit}` : ''}${bounds}${off ? ', or "off"' : ''} (got "${raw}").`);
      return fallback;
    }
    return Number(raw);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problem(`${name} must be one of ${allowed.join(', ')} (got "${raw}").`);
      return fallback;
    }
    return raw as T;
  }

  /**
   * A URL of one of `protocols`, without its trailing slashes. Only SMTP_URL may carry credentials
   * (elsewhere they would end up in logs and links); a problem shows the URL redacted.
   */
  url(name: string, protocols: readonly string[], options: { credentials?: boolean } = {}): string | null {
    const raw = this.get(name);
    if (raw === undefined) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      if (!options.credentials && (u.username !== '' || u.password !== '')) {
        this.problem(`${name} must not contain a user name or password (got "${redactUrl(raw)}").`);
        return null;
      }
      return raw.replace(/\/+$/, '');
    } catch {
      this.problem(`${name} must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL (got "${redactUrl(raw)}").`);
      return null;
    }
  }

  /** A file or directory, resolved against the working directory. */
  path(name: string, fallback: string): string;
  path(name: string): string | null;
  path(name: string, fallback?: string): string | null {
    const raw = this.get(name) ?? fallback;
    if (raw === undefined) return null;
    return isAbsolute(raw) ? raw : resolve(this.cwd, raw);
  }

  /** An email address, kept even when refused; `displayName` also takes `Name <address>`. */
  email(name: string, options: { displayName?: boolean } = {}): string | null {
    const value = this.get(name) ?? null;
    const address = value !== null && options.displayName ? value.replace(/^.*<([^>]+)>\s*$/, '$1') : value;
    if (address !== null && !EMAIL.test(address)) this.problem(`${name} must be an email address (got "${value}").`);
    return value;
  }

  /** A secret someone could otherwise guess: at least `minLength` characters, kept even when refused. */
  token(name: string, minLength: number): string | null {
    const value = this.get(name) ?? null;
    if (value !== null && value.length < minLength) this.problem(`${name} must be at least ${minLength} characters long.`);
    return value;
  }

  /** The non-empty entries of a list, each trimmed; `fallback` when the variable is unset. */
  list(name: string, separator: string | RegExp, fallback = ''): string[] {
    return (this.get(name) ?? fallback)
      .split(separator)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  }
}
