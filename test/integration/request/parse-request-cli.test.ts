import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/requests');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    cwd: FIXTURES,
  });
  return { code, stdout, stderr };
}

/** The real command line, as `npm run -s cli -- …` runs it: a separate Node process through tsx. */
function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

describe('certdesk parse-request', () => {
  it.each([
    ['seed-form-bullets.txt', 0, true, 'my.northwind-traders.co.uk'],
    ['zendesk-web-form.html', 0, true, 'my.wingtip-events.be'],
    ['gmail-reply.eml', 0, true, 'my.proseware.co.uk'],
    ['outlook-html-only.eml', 0, true, 'my.xn--bcherstube-kln-6pb8f.de'],
    ['invalid-values.txt', 1, true, 'www.adventure-works.com'],
    ['prose-request.txt', 1, true, 'my.litware.io'],
    ['password-reset.eml', 1, false, undefined],
    ['unrelated-my-hostname.txt', 1, false, undefined],
  ])('reads %s: exit %i, renewal request %s, site %s', async (file, exit, isRenewalRequest, site) => {
    const { code, stdout } = await cli(['parse-request', '--json', file]);
    expect(code).toBe(exit);
    const result = JSON.parse(stdout);
    expect(result.isRenewalRequest).toBe(isRenewalRequest);
    expect(result.fields.siteUrl).toBe(site);
    expect(Array.isArray(result.problems)).toBe(true);
  });

  it('uses the subject of an .eml and its text part, not the quoted HTML', async () => {
    const { stdout } = await cli(['parse-request', '--json', 'gmail-reply.eml']);
    expect(JSON.parse(stdout).fields).toMatchObject({ country: 'GB', locality: 'Leeds' });
  });

  it('reads the HTML part of an .eml that has no text part, decoding quoted-printable UTF-8', async () => {
    const { stdout } = await cli(['parse-request', '--json', 'outlook-html-only.eml']);
    expect(JSON.parse(stdout).fields).toMatchObject({ locality: 'Köln', organization: 'Bücherstube Köln GmbH', country: 'DE' });
  });

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await cli(['parse-request', 'invalid-values.txt']);
    expect(code).toBe(1);
    expect(stdout).toContain('Renewal request: yes');
    expect(stdout).toContain('Site URL: www.adventure-works.com');
    expect(stdout).toMatch(/Country Name \(invalid\): We could not recognise "Atlantis"/);
    expect(stdout).toContain('Complete: no');
    expect(stdout.trimStart().startsWith('{')).toBe(false);
  });

  it.each([
    ['no file', ['parse-request'], /FILE is required/],
    ['two files', ['parse-request', 'a.txt', 'b.txt'], /exactly one FILE/],
    ['an unknown option', ['parse-request', '--yaml', 'seed-form-bullets.txt'], /unknown option --yaml/],
    ['a missing file', ['parse-request', 'does-not-exist.txt'], /cannot read does-not-exist\.txt \(ENOENT\)/],
    ['a directory', ['parse-request', '.'], /cannot read \. \(EISDIR\)/],
  ])('exits 2 with a message on stderr for %s', async (_name, args, message) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('treats a file whose content is garbage as a result (exit 1), not a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-parse-'));
    const file = join(dir, 'garbage.eml');
    writeFileSync(file, Buffer.from([0, 159, 146, 150, 255, 0, 1, 2, 3]));
    const { code, stdout } = await cli(['parse-request', '--json', file]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).isRenewalRequest).toBe(false);
  });

  describe('as a separate process', () => {
    it('exits 0 for a complete request and prints only the JSON result on stdout', async () => {
      const { code, stdout } = await spawnCli(['parse-request', '--json', 'test/fixtures/requests/values-on-next-line.txt']);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        isRenewalRequest: true,
        fields: {
          siteUrl: 'my.tailspin-toys.com',
          country: 'US',
          state: 'Washington',
          locality: 'Redmond',
          organization: 'Tailspin Toys, Inc.',
          email: 'certs@tailspin-toys.com',
        },
        problems: [],
      });
    });

    it('exits 1 for a ticket that is not a renewal request', async () => {
      const { code, stdout } = await spawnCli(['parse-request', 'test/fixtures/requests/licence-renewal.txt']);
      expect(code).toBe(1);
      expect(stdout).toContain('Renewal request: no');
    });

    it('exits 2 for a file that cannot be read', async () => {
      const { code, stdout, stderr } = await spawnCli(['parse-request', '--json', 'test/fixtures/requests/missing.txt']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('ENOENT');
    });
  });
});
