import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/lib/errors.js';

/** The problems loadConfig reports for `env` (one line each), or [] when it starts. Other errors are thrown. */
export function configProblems(env: Record<string, string>, cwd = '/srv/certdesk'): string[] {
  try {
    loadConfig(env, cwd);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
