import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../../src/config/load-config.js';
import { configProblems } from '../../helpers/config-problems.js';

describe('DATABASE_* (the store)', () => {
  it('defaults to SQLite, and reads PostgreSQL settings with their defaults', () => {
    expect(loadConfig({}, '/srv/certdesk').database).toEqual({ url: null, poolMax: 10, statementTimeoutMs: 15_000, ssl: 'off', sslCaFile: null });
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://certdesk:s3cret@db.internal:5432/certdesk',
        DATABASE_POOL_MAX: '25',
        DATABASE_SSL: 'verify-full',
        DATABASE_SSL_CA_FILE: '/etc/ssl/db-ca.pem',
        DATABASE_STATEMENT_TIMEOUT_MS: '5000',
      },
      '/srv/certdesk',
    );
    expect(config.database).toEqual({
      url: 'postgres://certdesk:s3cret@db.internal:5432/certdesk',
      poolMax: 25,
      statementTimeoutMs: 5000,
      ssl: 'verify-full',
      sslCaFile: '/etc/ssl/db-ca.pem',
    });
    // The log line at start names the database without its password.
    expect(describeConfig(config).store).toBe('postgres postgres://***@db.internal:5432/…');
  });

  it('refuses what it cannot use, one line each, never echoing the password', () => {
    const problems = configProblems({
      DATABASE_URL: 'mysql://root:hunter2@db/certdesk',
      DATABASE_POOL_MAX: '0',
      DATABASE_SSL: 'yes',
      DATABASE_STATEMENT_TIMEOUT_MS: 'soon',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a postgres:\/\/ URL/),
      'DATABASE_SSL must be off, require or verify-full (got "yes").',
      'DATABASE_POOL_MAX must be a whole number between 1 and 200 (got "0").',
      'DATABASE_STATEMENT_TIMEOUT_MS must be a whole number between 100 and 600000 (got "soon").',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses TLS parameters inside the URL, which would override DATABASE_SSL', () => {
    expect(configProblems({ DATABASE_URL: 'postgres://certdesk@db/certdesk?sslmode=disable' })).toEqual([
      'DATABASE_URL must not carry TLS parameters (sslmode=…): set DATABASE_SSL (off, require, verify-full) instead.',
    ]);
  });
});
