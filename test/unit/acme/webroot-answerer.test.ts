import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webrootChallengeAnswerer } from '../../../src/adapters/acme/http-challenge-responder.js';

const webroot = mkdtempSync(join(tmpdir(), 'certdesk-webroot-'));
afterAll(() => rmSync(webroot, { recursive: true, force: true }));

describe('HTTP-01 answered from nginx\'s webroot', () => {
  const answerer = webrootChallengeAnswerer(webroot);
  const file = (token: string) => join(webroot, '.well-known', 'acme-challenge', token);

  it('writes the key authorization where nginx serves /.well-known/acme-challenge/, and removes it', async () => {
    await answerer.put('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0', 'LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI');
    expect(readFileSync(file('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0'), 'utf8')).toBe('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI');
    await answerer.remove('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0');
    expect(existsSync(file('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0'))).toBe(false);
  });

  it.each(['../../etc/passwd', 'a/b', '', 'token with spaces'])('refuses a token that is not base64url (%j): it never becomes a path', async (token) => {
    await expect(answerer.put(token, 'x')).rejects.toThrow(TypeError);
    expect(existsSync(join(webroot, 'etc'))).toBe(false);
  });
});
