import { describe, expect, it } from 'vitest';
import { emailFromAuthorization } from '../../../src/sandbox/authenticate.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('sandbox identities from the Authorization header', () => {
  it.each([
    ['an API token', basic('agent@x.example/token:anything'), 'agent@x.example'],
    ['a password', basic('agent@x.example:secret'), 'agent@x.example'],
    ['a bearer token naming a user', 'Bearer pat@y.example', 'pat@y.example'],
    ['a bearer token naming a user with a suffix', 'Bearer pat@y.example:abc', 'pat@y.example'],
    ['an opaque bearer token (certdesk\'s own)', 'Bearer 0a1b2c3d', 'certdesk@sandbox.invalid'],
    ['no header', undefined, null],
    ['Basic without an email', basic('admin:pw'), null],
    ['an unknown scheme', 'Digest abc', null],
    ['an empty bearer', 'Bearer', null],
  ])('%s', (_name, header, expected) => {
    expect(emailFromAuthorization(header, 'certdesk@sandbox.invalid')).toBe(expected);
  });
});
