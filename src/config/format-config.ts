import type { Config } from './config.js';

/**
 * Field names whose values are secrets: shown as "(set)", never as their value. Matched on the
 * last segment of the path, so a secret added to Config later under such a name is masked too
 * (`webhookSecretPrevious`, `…Token`, `password`, an HMAC key, `…Key` as in `encryptionKey`).
 * Numbers and booleans are settings about a secret (`sandboxOAuthTokenTtlSeconds`), shown as they are.
 */
const SECRET_NAME = /secret|token|password|hmac|[a-z]Key$/i;

/**
 * `certdesk --print-config`: the effective configuration, one `path = value` line per setting, in
 * the order of Config. Secrets are shown as "(set)" or "(not set)"; a URL keeps its scheme, host
 * and path but never a password (SMTP_URL may carry one). Pure: values in, text out.
 */
export function formatConfig(config: Config, envFile: string | null): string {
  const lines = [
    `# certdesk's effective configuration: ${envFile ? `the environment over ${envFile}` : 'the environment (no .env file)'}, defaults for the rest.`,
    '# Secrets are shown as (set) or (not set), never their value.',
  ];
  const walk = (value: unknown, path: string): void => {
    const name = path.slice(path.lastIndexOf('.') + 1);
    if (Buffer.isBuffer(value) || (SECRET_NAME.test(name) && (value === null || value === undefined || typeof value === 'string'))) {
      lines.push(`${path} = ${value === null || value === undefined ? '(not set)' : '(set)'}`);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) lines.push(`${path} = (none)`);
      for (const [key, v] of entries) walk(v, path ? `${path}.${key}` : key);
    } else {
      lines.push(`${path} = ${show(value)}`);
    }
  };
  walk(config, '');
  return lines.join('\n') + '\n';
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '(not set)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(show).join(', ');
  if (typeof value === 'string') return withoutPassword(value);
  return String(value);
}

/** A URL with user info shows the user and "***" for the password. */
function withoutPassword(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) return value;
  try {
    const u = new URL(value);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, value.endsWith('/') ? '/' : '');
  } catch {
    return '(set, not shown: it looks like a URL with credentials)';
  }
}
