import { describe, expect, it } from 'vitest';
import { authorizationHeader, endpointLabel } from '../../../src/adapters/zendesk/zendesk-http.js';
import { parseRetryAfter } from '../../../src/adapters/zendesk/retry-after.js';

describe('Zendesk HTTP details', () => {
  it('builds API-token Basic auth as {email}/token:{token}', () => {
    expect(authorizationHeader({ email: 'agent@x.example', apiToken: 'abc' })).toBe(`Basic ${Buffer.from('agent@x.example/token:abc').toString('base64')}`);
  });

  it('builds OAuth Bearer auth', () => {
    expect(authorizationHeader({ oauthToken: 'tok' })).toBe('Bearer tok');
  });

  it.each([
    ['7', 7000],
    [' 0 ', 0],
    ['1.5', 1500],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['', undefined],
    ['soon', undefined],
  ])('reads Retry-After %j as %s ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-01-01T00:00:00Z'))).toBe(expected);
  });

  it('reads a missing Retry-After as undefined', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it.each([
    ['/api/v2/tickets/123', '/api/v2/tickets/:id'],
    ['/api/v2/tickets/123/comments.json', '/api/v2/tickets/:id/comments'],
    ['/api/v2/users/me', '/api/v2/users/me'],
    ['/attachments/token/abcDEF/', '/attachments/token/:token/'],
    ['/api/v2/comment_redactions/9?x=1', '/api/v2/comment_redactions/:id'],
  ])('labels %s as %s for metrics', (path, label) => {
    expect(endpointLabel(path)).toBe(label);
  });
});
