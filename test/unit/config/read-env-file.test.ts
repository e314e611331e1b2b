import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEnvFile } from '../../../src/config/read-env-file.js';
import { ConfigError } from '../../../src/lib/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'certdesk-env-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

describe('the env file', () => {
  it('reads .env from the working directory when there is one, the process environment winning', () => {
    const cwd = dir({
      '.env': '# comment\nPORT=4000\nLOG_LEVEL="debug"\nADMIN_TOKEN=\'from-the-file-0123\'\nZENDESK_STATUSES=installing=pending # inline comment\n',
    });
    const { env, file } = withEnvFile({ PORT: '5000', PATH: '/bin' }, cwd);
    expect(file).toBe(join(cwd, '.env'));
    expect(env).toMatchObject({ PORT: '5000', LOG_LEVEL: 'debug', ADMIN_TOKEN: 'from-the-file-0123', ZENDESK_STATUSES: 'installing=pending', PATH: '/bin' });
  });

  it('lets a variable set empty in the process environment win over the file', () => {
    const cwd = dir({ '.env': 'ZENDESK_URL=https://example.zendesk.com\n' });
    expect(withEnvFile({ ZENDESK_URL: '' }, cwd).env.ZENDESK_URL).toBe('');
  });

  it('reads nothing, and is no problem, when there is no .env', () => {
    const cwd = dir();
    const env = { PORT: '1' };
    expect(withEnvFile(env, cwd)).toEqual({ env, file: null });
  });

  it('reads ENV_FILE instead of .env, relative to the working directory', () => {
    const cwd = dir({ '.env': 'PORT=1\n', 'conf/certdesk.env': 'PORT=2\nDATA_DIR=/var/lib/certdesk\n' });
    const { env, file } = withEnvFile({ ENV_FILE: 'conf/certdesk.env' }, cwd);
    expect(file).toBe(join(cwd, 'conf/certdesk.env'));
    expect(env).toMatchObject({ PORT: '2', DATA_DIR: '/var/lib/certdesk' });
  });

  it('stops with one plain problem when ENV_FILE names a file that cannot be read', () => {
    const cwd = dir();
    let caught: unknown;
    try {
      withEnvFile({ ENV_FILE: '/nonexistent/certdesk.env' }, cwd);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual(['ENV_FILE /nonexistent/certdesk.env cannot be read (ENOENT).']);
  });

  it("does not change the environment it is given (the file's secrets are not handed to child commands)", () => {
    const cwd = dir({ '.env': 'KEY_ENCRYPTION_KEY=c2VjcmV0\n' });
    const env: NodeJS.ProcessEnv = { PORT: '1' };
    withEnvFile(env, cwd);
    expect(env).toEqual({ PORT: '1' });
  });
});
