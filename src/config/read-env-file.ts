import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../lib/errors.js';

export interface EnvironmentWithFile {
  /** The process environment over the file's variables (a variable set in the process wins). */
  env: NodeJS.ProcessEnv;
  /** The file that was read, or null when there was none. */
  file: string | null;
}

/**
 * The environment certdesk configures itself from: the variables of an env file under the process
 * environment. The file is `ENV_FILE` when set (it must exist), else `.env` in the working directory
 * when there is one. Parsed by Node's own `util.parseEnv` (the `--env-file` syntax: `KEY=value`,
 * quotes, `#` comments). The process environment is not changed, so the file's secrets are not
 * handed on to the commands certdesk runs (installers, reloads).
 */
export function withEnvFile(env: NodeJS.ProcessEnv, cwd: string): EnvironmentWithFile {
  const named = env.ENV_FILE?.trim() || undefined;
  const file = named === undefined ? resolve(cwd, '.env') : isAbsolute(named) ? named : resolve(cwd, named);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (named === undefined && code === 'ENOENT') return { env, file: null };
    throw new ConfigError([`${named === undefined ? '.env' : 'ENV_FILE'} ${file} cannot be read (${code ?? (error as Error).message}).`]);
  }
  const fromFile = parseEnv(text);
  const merged: NodeJS.ProcessEnv = { ...fromFile };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return { env: merged, file };
}
