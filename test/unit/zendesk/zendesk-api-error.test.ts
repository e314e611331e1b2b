import { describe, expect, it } from 'vitest';
import { ZendeskApiError, parseZendeskErrorBody } from '../../../src/ports/zendesk-api-error.js';
import { NonRetryableError, isRetryable } from '../../../src/lib/errors.js';

describe('parsing Zendesk error bodies', () => {
  it.each([
    ['the classic shape', '{"error":"RecordNotFound","description":"Not found"}', { code: 'RecordNotFound', description: 'Not found' }],
    [
      'a 422 with details',
      '{"error":"RecordInvalid","description":"Record validation errors","details":{"email":[{"description":"Email: taken","error":"DuplicateValue"}]}}',
      { code: 'RecordInvalid', description: 'Record validation errors', details: { email: [{ description: 'Email: taken', error: 'DuplicateValue' }] } },
    ],
    [
      'the JSON:API errors[] shape',
      '{"errors":[{"code":"TooManyRequests","title":"Too many requests to update"}]}',
      { code: 'TooManyRequests', description: 'Too many requests to update', errors: [{ code: 'TooManyRequests', title: 'Too many requests to update' }] },
    ],
    ['the webhooks API nested shape', '{"error":{"title":"Invalid","message":"endpoint is invalid"}}', { code: 'Invalid', description: 'endpoint is invalid' }],
    ['a plain-text body', 'Service Unavailable\n', { text: 'Service Unavailable' }],
    ['an empty body', '', {}],
    ['a JSON string', '"oops"', { text: '"oops"' }],
  ])('reads %s', (_name, raw, expected) => {
    expect(parseZendeskErrorBody(raw)).toEqual(expected);
  });

  it('makes a non-retryable error whose message names the call and the reason', () => {
    const error = new ZendeskApiError(422, { code: 'RecordInvalid', description: 'Record validation errors' }, 'POST', '/api/v2/users');
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(isRetryable(error)).toBe(false);
    expect(error.message).toBe('Zendesk refused POST /api/v2/users with 422 (RecordInvalid: Record validation errors)');
  });
});
