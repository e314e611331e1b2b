import type { AccountSettings } from './account-settings.js';

type Kind = 'boolean' | 'seconds' | 'clients' | 'per-minute';

/** What each setting accepts; a key not listed here is unknown. */
const KINDS: Record<keyof AccountSettings, Kind> = {
  apiTokens: 'boolean',
  oauthTokenTtlSeconds: 'seconds',
  oauthRefreshTokenTtlSeconds: 'seconds',
  oauthClients: 'clients',
  solveNeedsAssignee: 'boolean',
  onHold: 'boolean',
  agentWorkspace: 'boolean',
  adminOnlyEndpoints: 'boolean',
  apiRateLimitPerMinute: 'per-minute',
};

function problemWith(kind: Kind, value: unknown): string | null {
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'per-minute':
      return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 100_000
        ? null
        : 'must be a whole number of requests a minute, 1 to 100000';
    case 'seconds':
      return Number.isSafeInteger(value) && (value as number) >= 1 ? null : 'must be a whole number of seconds, at least 1';
    case 'clients': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must map client ids to { "secret", "userEmail"? }';
      for (const [id, client] of Object.entries(value)) {
        const c = client as Record<string, unknown> | null;
        if (!c || typeof c !== 'object' || typeof c.secret !== 'string' || c.secret === '') return `client "${id}" needs a non-empty "secret"`;
        if (c.userEmail !== undefined && (typeof c.userEmail !== 'string' || !c.userEmail.includes('@')))
          return `client "${id}": "userEmail" must be an email address`;
        const extra = Object.keys(c).filter((k) => k !== 'secret' && k !== 'userEmail');
        if (extra.length) return `client "${id}" has unknown keys: ${extra.join(', ')}`;
      }
      return null;
    }
  }
}

/**
 * Validates a `PUT /sandbox/settings` body: a JSON object whose keys are settings of
 * `AccountSettings`, each of the right type. Returns the change to apply, or every problem (one
 * sentence each) so that nothing is applied from a body that is partly wrong.
 */
export function parseAccountSettings(body: unknown): { change: Partial<AccountSettings> } | { problems: string[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { problems: ['the body must be a JSON object of settings, e.g. {"onHold": true}'] };
  const problems: string[] = [];
  const change: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const kind = KINDS[key as keyof AccountSettings];
    if (!kind) {
      problems.push(`unknown setting "${key}" (known: ${Object.keys(KINDS).join(', ')})`);
      continue;
    }
    const problem = problemWith(kind, value);
    if (problem) problems.push(`"${key}" ${problem}`);
    else change[key] = value;
  }
  return problems.length ? { problems } : { change: change as Partial<AccountSettings> };
}
