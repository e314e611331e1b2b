import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { collectAppFiles, packageApp, translationsModule } from '../../../scripts/package-app.js';
import { validateApp } from '../../../scripts/agent-app/validate-app.js';

const REPO = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'certdesk-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run package-app', () => {
  it("zips the validated app with manifest.json at the root and certdesk's host in domainWhitelist", async () => {
    const out = join(work, 'certdesk-app.zip');
    const { stdout, stderr } = await run('npm', ['run', '-s', 'package-app', '--', '--out', out, '--public-url', 'https://certdesk.example.com'], {
      cwd: REPO,
    });
    expect(stdout.trim()).toBe(out);
    expect(stderr).toMatch(/packaged 11 files/);
    const entries = unzipSync(readFileSync(out));
    expect(Object.keys(entries).sort()).toEqual([
      'assets/certdesk-api.js',
      'assets/i18n.js',
      'assets/iframe.html',
      'assets/logo-small.png',
      'assets/logo.png',
      'assets/main.js',
      'assets/sidebar-view.js',
      'assets/sidebar.css',
      'assets/translations.js',
      'manifest.json',
      'translations/en.json',
    ]);
    for (const [path, bytes] of Object.entries(entries)) {
      if (path !== 'manifest.json') expect(Buffer.from(bytes).equals(readFileSync(join(REPO, path))), path).toBe(true);
    }
    const manifest = JSON.parse(Buffer.from(entries['manifest.json']!).toString('utf8'));
    expect(manifest.domainWhitelist).toEqual(['certdesk.example.com']);
    expect({ ...manifest, domainWhitelist: [] }).toEqual(JSON.parse(readFileSync(join(REPO, 'manifest.json'), 'utf8')));
    expect(validateApp(new Map(Object.entries(entries)))).toEqual({ ok: true, problems: [] });
  });

  it('writes tmp/app-<timestamp>.zip by default', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'package-app'], { cwd: REPO, env: { ...process.env, PUBLIC_URL: 'https://certdesk.example.net' } });
    const file = stdout.trim();
    try {
      expect(file).toMatch(new RegExp(`^${REPO.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/tmp/app-\\d{14}\\.zip$`));
      expect(JSON.parse(Buffer.from(unzipSync(readFileSync(file))['manifest.json']!).toString()).domainWhitelist).toEqual(['certdesk.example.net']);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('refuses to build an app without the public URL (an empty domainWhitelist cannot reach certdesk): exit 2, nothing written', async () => {
    const { PUBLIC_URL: _unset, ...env } = process.env;
    const before = existsSync(join(REPO, 'tmp')) ? readdirSync(join(REPO, 'tmp')) : [];
    const error = await run('npm', ['run', '-s', 'package-app'], { cwd: REPO, env: { ...env, ENV_FILE: join(work, 'none.env') } }).then(
      () => null,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    // ENV_FILE names a missing file: certdesk's config reader refuses it before anything else.
    expect(error?.code).toBe(2);
    writeFileSync(join(work, 'empty.env'), '# no PUBLIC_URL here\n');
    const refused = await run('npm', ['run', '-s', 'package-app'], { cwd: REPO, env: { ...env, ENV_FILE: join(work, 'empty.env') } }).then(
      () => null,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stdout).toBe('');
    expect(refused?.stderr).toMatch(/^certdesk's public URL is required: pass --public-url https:\/\/certdesk\.example\.com or set PUBLIC_URL\./);
    expect(existsSync(join(REPO, 'tmp')) ? readdirSync(join(REPO, 'tmp')) : []).toEqual(before);
  });

  it('takes PUBLIC_URL from the env file when it is not in the environment, and --dir writes the app for zcli apps:server', async () => {
    const { PUBLIC_URL: _unset, ...env } = process.env;
    writeFileSync(join(work, 'public.env'), 'PUBLIC_URL=https://certdesk-dev.example.org\n');
    const dir = join(work, 'app-dev');
    const { stdout } = await run('npm', ['run', '-s', 'package-app', '--', '--dir', dir], { cwd: REPO, env: { ...env, ENV_FILE: join(work, 'public.env') } });
    expect(stdout.trim()).toBe(dir);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).domainWhitelist).toEqual(['certdesk-dev.example.org']);
    expect(readFileSync(join(dir, 'assets/sidebar.css')).equals(readFileSync(join(REPO, 'assets/sidebar.css')))).toBe(true);
  });

  it.each([
    { args: ['--public-url', 'certdesk.example.com'], message: /must be certdesk's public URL/ },
    { args: ['--out'], message: /--out needs a value/ },
    { args: ['--verbose'], message: /unknown argument: --verbose/ },
  ])('exits 2 for $args', async ({ args, message }) => {
    const error = await run('npm', ['run', '-s', 'package-app', '--', ...args], { cwd: REPO }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toMatch(message);
  });
});

describe("the sidebar's texts", () => {
  it('are all in translations/: assets/translations.js is exactly what package-app makes of translations/*.json', () => {
    const files = collectAppFiles(REPO);
    expect(readFileSync(join(REPO, 'assets/translations.js'), 'utf8'), 'run npm run package-app to refresh assets/translations.js').toBe(
      translationsModule(files),
    );
  });

  it('name no key that translations/en.json lacks', () => {
    const en = JSON.parse(readFileSync(join(REPO, 'translations/en.json'), 'utf8')) as Record<string, Record<string, string>>;
    const used = ['sidebar-view.js', 'main.js', 'certdesk-api.js'].flatMap((f) =>
      [...readFileSync(join(REPO, 'assets', f), 'utf8').matchAll(/\bt\('([a-z_.]+)'/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(40);
    for (const key of used) {
      const [group, name] = key.split('.');
      expect(typeof en[group!]?.[name!], key).toBe('string');
    }
  });
});

describe('packageApp', () => {
  function copy(): string {
    const root = mkdtempSync(join(work, 'app-'));
    for (const p of ['manifest.json', 'assets', 'translations']) cpSync(join(REPO, p), join(root, p), { recursive: true });
    return root;
  }

  it('leaves out tmp/ and what .zcliignore lists, and takes requirements.json when there is one', () => {
    const root = copy();
    writeFileSync(join(root, '.zcliignore'), '# notes stay out\n*.md\nassets/drafts/\n');
    writeFileSync(join(root, 'assets', 'NOTES.md'), 'todo');
    mkdirSync(join(root, 'assets', 'drafts'));
    writeFileSync(join(root, 'assets', 'drafts', 'old.js'), '');
    mkdirSync(join(root, 'tmp'));
    writeFileSync(join(root, 'tmp', 'app-1.zip'), '');
    writeFileSync(join(root, 'requirements.json'), JSON.stringify({ ticket_fields: { site: { title: 'Site', type: 'text' } } }));
    const result = packageApp({ root, out: 'out/app.zip', publicUrl: 'https://certdesk.example.com' });
    expect(result.file).toBe(join(root, 'out', 'app.zip'));
    const names = Object.keys(unzipSync(readFileSync(result.file!)));
    expect(names).toContain('requirements.json');
    expect(names.filter((n) => /NOTES|drafts|tmp\//.test(n))).toEqual([]);
  });

  it('writes nothing when the app is not valid', () => {
    const root = copy();
    writeFileSync(join(root, 'assets', 'logo.png'), 'not a png');
    const result = packageApp({ root, out: 'app.zip', publicUrl: 'https://certdesk.example.com' });
    expect(result.file).toBeNull();
    expect(result.report.problems.map((p) => p.rule)).toContain('invalid_png');
    expect(existsSync(join(root, 'app.zip'))).toBe(false);
  });
});
