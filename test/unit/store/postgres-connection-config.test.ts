import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { connectionConfig, describeDatabase } from '../../../src/adapters/store/postgres/open-postgres-store.js';

const url = 'postgres://certdesk:s3cret%2Fpw@db.internal:5433/certdesk';

describe('the PostgreSQL connection settings', () => {
  it.each([
    ['off', undefined, false],
    ['require', undefined, { rejectUnauthorized: false }],
    ['verify-full', undefined, { rejectUnauthorized: true }],
    ['verify-full', 'CA PEM', { rejectUnauthorized: true, ca: 'CA PEM' }],
  ] as const)('DATABASE_SSL=%s (CA %s) connects with ssl %j', (ssl, sslCa, expected) => {
    expect(connectionConfig({ url, ssl, ...(sslCa ? { sslCa } : {}) }).ssl).toEqual(expected);
  });

  it('sets the statement timeout and application name on every session, with defaults', () => {
    expect(connectionConfig({ url })).toMatchObject({ statement_timeout: 15_000, application_name: 'certdesk', ssl: false });
    expect(connectionConfig({ url, statementTimeoutMs: 2_500, applicationName: 'certdesk worker' })).toMatchObject({
      statement_timeout: 2_500,
      application_name: 'certdesk worker',
    });
  });

  it('reads BIGINT as a number on its own connections only', () => {
    const parse = connectionConfig({ url }).types!.getTypeParser(20, 'text') as (v: string) => unknown;
    expect(parse('1764720000000')).toBe(1_764_720_000_000);
    // pg's shared parsers are left as they are (other code in the process may rely on strings).
    expect((pg.types.getTypeParser(20, 'text') as (v: string) => unknown)('1764720000000')).toBe('1764720000000');
  });

  it('refuses TLS parameters in the URL, which pg would let override DATABASE_SSL', () => {
    expect(() => connectionConfig({ url: `${url}?sslmode=disable`, ssl: 'verify-full' })).toThrow(
      'DATABASE_URL sets sslmode: remove it and choose TLS with DATABASE_SSL (off, require, verify-full) and DATABASE_SSL_CA_FILE.',
    );
    expect(() => connectionConfig({ url: `${url}?application_name=x` })).not.toThrow();
  });

  it('names the database without its password', () => {
    expect(describeDatabase(url)).toBe('postgres://certdesk@db.internal:5433/certdesk');
    expect(describeDatabase('not a url')).toBe('the configured PostgreSQL database');
  });
});
