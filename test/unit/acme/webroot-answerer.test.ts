import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webrootChallengeAnswerer } from '../../../src/adapters/acme/http-challenge-responder.js';

const webroot = mkdtempSync(join(tmpdir(), 'certdesk-webroot-'));
afterAll(() => rmSync(webroot, { recursive: true, force: true }));

describe("HTTP-01 answered from nginx's webroot", () => {
  const answerer = webrootChallengeAnswerer(webroot);
  const file = (token: string) => join(webroot, '.well-known', 'acme-challenge', token);

  it('writes the key authorization where nginx serves /.well-known/acme-challenge/, and removes it', async () => {
    await answerer.put(
      'LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0',
      'LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI',
    );
    expect(readFileSync(file('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0'), 'utf8')).toBe(
      'LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI',
    );
    await answerer.remove('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0');
    expect(existsSync(file('LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0'))).toBe(false);
  });

  it("leaves the answer readable by nginx's workers (another user) under certdesk's umask 0077, as the systemd unit sets it", async () => {
    const before = process.umask(0o077);
    try {
      const root = join(webroot, 'under-umask');
      await webrootChallengeAnswerer(root).put('umask-token', 'umask-token.thumbprint');
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect([mode(root), mode(join(root, '.well-known')), mode(join(root, '.well-known', 'acme-challenge'))]).toEqual([0o755, 0o755, 0o755]);
      expect(mode(join(root, '.well-known', 'acme-challenge', 'umask-token'))).toBe(0o644);
    } finally {
      process.umask(before);
    }
  });

  it.each(['../../etc/passwd', 'a/b', '', 'token with spaces'])('refuses a token that is not base64url (%j): it never becomes a path', async (token) => {
    await expect(answerer.put(token, 'x')).rejects.toThrow(TypeError);
    expect(existsSync(join(webroot, 'etc'))).toBe(false);
  });
});
