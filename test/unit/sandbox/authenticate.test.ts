import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../../src/sandbox/authenticate.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('sandbox identities from the Authorization header', () => {
  it.each([
    ['an API token', basic('agent@x.example/token:anything'), { scheme: 'basic', email: 'agent@x.example' }],
    ['a password', basic('agent@x.example:secret'), { scheme: 'basic', email: 'agent@x.example' }],
    ['a bearer token naming a user', 'Bearer pat@y.example', { scheme: 'bearer', token: 'pat@y.example', namedEmail: 'pat@y.example' }],
    ['a bearer token naming a user with a suffix', 'Bearer pat@y.example:abc', { scheme: 'bearer', token: 'pat@y.example:abc', namedEmail: 'pat@y.example' }],
    ["an opaque bearer token (one /oauth/tokens issued, or nobody's)", 'Bearer 0a1b2c3d', { scheme: 'bearer', token: '0a1b2c3d', namedEmail: null }],
    ['no header', undefined, null],
    ['Basic without an email', basic('admin:pw'), null],
    ['an unknown scheme', 'Digest abc', null],
    ['an empty bearer', 'Bearer', null],
  ])('%s', (_name, header, expected) => {
    expect(parseAuthorization(header)).toEqual(expected);
  });
});
