import { describe, expect, it } from 'vitest';
import { EnvReader } from '../../../src/config/env-reader.js';

const reader = (env: Record<string, string>) => new EnvReader(env, '/srv/certdesk');

describe('EnvReader, the parsing every configuration reader shares', () => {
  it('reads a blank variable as unset, and trims the others', () => {
    const env = reader({ A: '   ', B: ' value ' });
    expect(env.get('A')).toBeUndefined();
    expect(env.get('B')).toBe('value');
  });

  it.each<[string, Record<string, string>, number | null, string[]]>([
    ['unset: the default', {}, 30, []],
    ['in bounds', { N: '3600' }, 3600, []],
    ['below the minimum', { N: '0' }, 30, ['N must be a whole number of seconds between 1 and 3600 (got "0").']],
    ['above the maximum', { N: '3601' }, 30, ['N must be a whole number of seconds between 1 and 3600 (got "3601").']],
    ['not a whole number', { N: '1.5' }, 30, ['N must be a whole number of seconds between 1 and 3600 (got "1.5").']],
  ])('reads a bounded whole number, %s', (_case, vars, value, problems) => {
    const env = reader(vars);
    expect(env.wholeNumber('N', 30, { min: 1, max: 3600, unit: 'seconds' })).toBe(value);
    expect(env.problems).toEqual(problems);
  });

  it('names "off" in the problem only where "off" is accepted, and reads it as null there', () => {
    const env = reader({ W: 'off', D: 'soon', O: 'x' });
    expect(env.wholeNumber('W', 600, { min: 60, unit: 'seconds', off: true })).toBeNull();
    expect(env.wholeNumber('D', 7, { min: 1, max: 9, unit: 'days' })).toBe(7);
    expect(env.wholeNumber('O', null, { min: 1, off: true })).toBeNull();
    expect(env.problems).toEqual([
      'D must be a whole number of days between 1 and 9 (got "soon").',
      'O must be a whole number, at least 1, or "off" (got "x").',
    ]);
  });

  it('accepts "off" for a port only when the port is off by default', () => {
    const env = reader({ LISTEN: 'off', PORT: 'off' });
    expect(env.port('LISTEN', null)).toBeNull();
    expect(env.port('PORT', 3000)).toBe(3000);
    expect(env.problems).toEqual(['PORT must be a port number between 0 and 65535 (got "off").']);
  });

  it('keeps a refused email or token (the reader goes on) but notes it, without showing the token', () => {
    const env = reader({ FROM: 'certdesk <certdesk@example.com>', OPS: 'certdesk <certdesk@example.com>', TOKEN: 'short-secret' });
    expect(env.email('FROM', { displayName: true })).toBe('certdesk <certdesk@example.com>');
    expect(env.email('OPS')).toBe('certdesk <certdesk@example.com>');
    expect(env.token('TOKEN', 16)).toBe('short-secret');
    expect(env.problems).toEqual(['OPS must be an email address (got "certdesk <certdesk@example.com>").', 'TOKEN must be at least 16 characters long.']);
  });

  it('reads URLs without trailing slashes, refusing credentials except where allowed, and never echoing them', () => {
    const env = reader({
      PUBLIC: 'https://certdesk.example//',
      LEAK: 'https://user:hunter2@certdesk.example/x',
      SMTP: 'smtps://user:hunter2@mx.example:465',
      FTP: 'ftp://files.example',
    });
    expect(env.url('PUBLIC', ['https:'])).toBe('https://certdesk.example');
    expect(env.url('LEAK', ['https:'])).toBeNull();
    expect(env.url('SMTP', ['smtp:', 'smtps:'], { credentials: true })).toBe('smtps://user:hunter2@mx.example:465');
    expect(env.url('FTP', ['https:', 'http:'])).toBeNull();
    expect(env.problems).toEqual([
      'LEAK must not contain a user name or password (got "https://***@certdesk.example/…").',
      'FTP must be a https or http URL (got "ftp://files.example").',
    ]);
  });

  it('reads lists and paths', () => {
    const env = reader({ HOSTS: ' a.example, ,b.example ', SCOPES: 'read   write', DIR: 'data' });
    expect(env.list('HOSTS', ',')).toEqual(['a.example', 'b.example']);
    expect(env.list('SCOPES', /\s+/)).toEqual(['read', 'write']);
    expect(env.list('UNSET', ',', 'x,y')).toEqual(['x', 'y']);
    expect(env.path('DIR')).toBe('/srv/certdesk/data');
    expect(env.path('UNSET')).toBeNull();
    expect(env.path('UNSET', '/var/lib/certdesk')).toBe('/var/lib/certdesk');
    expect(env.problems).toEqual([]);
  });
});
