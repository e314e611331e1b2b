/**
 * `npm run package-app -- --public-url URL [--out FILE | --dir DIR]`: validates the ZAF app at the repository
 * root with Zendesk's validator rules (scripts/agent-app/validate-app.ts; `zcli apps:validate` only
 * runs on Zendesk's servers) and builds the zip Zendesk accepts — manifest.json at the zip root,
 * assets/, translations/ (and requirements.json if there is one), leaving out tmp/ and what
 * `.zcliignore` lists — into tmp/app-<timestamp>.zip or FILE.
 *
 * The app lives at the root of a repository that also holds certdesk itself, so only the app's own
 * files are collected, not the whole directory as zcli would. `--public-url` (default: PUBLIC_URL)
 * puts certdesk's host into the packaged manifest's domainWhitelist, which Zendesk's proxy requires
 * before it substitutes the secure shared secret: without it nothing is packaged (exit 2).
 * `--dir DIR` writes the same files, unzipped, for `zcli apps:server DIR`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync, type Zippable } from 'fflate';
import { validateApp, formatAppProblems } from './agent-app/validate-app.js';
import type { AppFiles } from './agent-app/app-files.js';
import type { AppValidationReport } from './agent-app/app-problem.js';
import { withEnvFile } from '../src/config/read-env-file.js';
import { isIgnored, parseZcliIgnore } from './agent-app/zcli-ignore.js';

const APP_FILES = ['manifest.json', 'requirements.json'];
const APP_DIRS = ['assets', 'translations'];
/** A fixed time in the zip entries, so the same app gives the same bytes. */
const ENTRY_TIME = new Date('2026-01-01T00:00:00Z');

/**
 * The app's files under `root`, minus tmp/ and the `.zcliignore` patterns. `include: 'app'` (the
 * default, for certdesk's repository root) takes only manifest.json, requirements.json, assets/ and
 * translations/; `include: 'all'` takes every file, as zcli does with a directory that is only an app.
 */
export function collectAppFiles(root: string, options: { include?: 'app' | 'all' } = {}): Map<string, Uint8Array> {
  const ignore = parseZcliIgnore(existsSync(join(root, '.zcliignore')) ? readFileSync(join(root, '.zcliignore'), 'utf8') : '');
  const files = new Map<string, Uint8Array>();
  const add = (path: string) => {
    if (!isIgnored(path, ignore)) files.set(path, readFileSync(join(root, path)));
  };
  const everything = options.include === 'all';
  for (const f of APP_FILES) if (!everything && existsSync(join(root, f))) add(f);
  for (const dir of everything ? ['.'] : APP_DIRS) {
    if (!existsSync(join(root, dir))) continue;
    for (const e of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (e.isFile()) add(relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
    }
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The host that certdesk's public URL puts in the packaged manifest's domainWhitelist. Zendesk's
 * proxy makes the app's secure requests (the ones carrying the shared secret) only to hosts listed
 * there, so an app packaged without certdesk's host cannot reach certdesk at all: a missing URL,
 * or one that is not http(s), is refused with what to do instead.
 */
function publicUrlHost(publicUrl: string | undefined): string {
  if (publicUrl === undefined || publicUrl.trim() === '') {
    throw new Error(
      "certdesk's public URL is required: pass --public-url https://certdesk.example.com or set PUBLIC_URL. " +
        "Zendesk's proxy sends the app's requests, with the shared secret, only to the hosts in the manifest's domainWhitelist; without certdesk's host there the app cannot reach certdesk.",
    );
  }
  try {
    const url = new URL(publicUrl);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') throw new Error('not http(s)');
    return url.host;
  } catch {
    throw new Error(`--public-url must be certdesk's public URL such as https://certdesk.example.com, not ${JSON.stringify(publicUrl)}`);
  }
}

/** The files with certdesk's host added to the manifest's domainWhitelist (refused without a URL: see publicUrlHost). */
export function withPublicUrl(files: AppFiles, publicUrl: string | undefined): Map<string, Uint8Array> {
  const host = publicUrlHost(publicUrl);
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as { domainWhitelist?: string[] };
  manifest.domainWhitelist = [...new Set([...(manifest.domainWhitelist ?? []), host])];
  return new Map([...files, ['manifest.json', new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n')]]);
}

/** Where the sidebar reads its texts: Zendesk serves only assets/ to the iframe, so translations/ is copied there. */
export const TRANSLATIONS_MODULE = 'assets/translations.js';

/**
 * assets/translations.js for the app's translations/*.json: one ES module, `{ <locale>: texts }`,
 * each file's texts without its `app` part (the name, descriptions and setting labels Zendesk shows
 * admins, which the sidebar never does).
 */
export function translationsModule(files: AppFiles): string {
  const locales: Record<string, unknown> = {};
  for (const [path, bytes] of files) {
    const m = /^translations\/([^/]+)\.json$/.exec(path);
    if (!m) continue;
    const { app: _admin, ...texts } = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')) as Record<string, unknown>;
    locales[m[1]!] = texts;
  }
  return `// Generated by \`npm run package-app\` from translations/*.json (the source: edit those, not this).\nexport default ${JSON.stringify(locales, null, 2)};\n`;
}

/** The files with assets/translations.js made from translations/ (a translation that is not JSON is left to the validator). */
export function withTranslationsModule(files: AppFiles): Map<string, Uint8Array> {
  let text: string;
  try {
    text = translationsModule(files);
  } catch {
    return new Map(files);
  }
  return new Map([...files, [TRANSLATIONS_MODULE, new TextEncoder().encode(text)]]);
}

export function zipApp(files: AppFiles): Uint8Array {
  const entries: Zippable = {};
  for (const [path, bytes] of files) entries[path] = [bytes, { mtime: ENTRY_TIME }];
  return zipSync(entries, { level: 9 });
}

/** Keeps the repository's own assets/translations.js in step with translations/ (the sidebar in a checkout reads it). */
function refreshTranslationsModule(root: string): void {
  const fresh = translationsModule(collectAppFiles(root));
  const file = join(root, TRANSLATIONS_MODULE);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== fresh) {
    writeFileSync(file, fresh);
    process.stderr.write(`${TRANSLATIONS_MODULE} updated from translations/\n`);
  }
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

export interface PackageResult {
  /** The zip written, or null when validation failed. */
  file: string | null;
  report: AppValidationReport;
  entries: string[];
}

/**
 * Validates, then zips — or, with `dir`, writes the app's files into that directory for
 * `zcli apps:server` (which serves a directory, manifest included, as it is). Nothing is written
 * when the app has an error; without certdesk's public URL it throws before reading anything.
 */
export function packageApp(options: { root: string; out?: string; dir?: string; publicUrl?: string; now?: Date }): PackageResult {
  const files = withTranslationsModule(withPublicUrl(collectAppFiles(options.root), options.publicUrl));
  const report = validateApp(files);
  const entries = [...files.keys()];
  if (!report.ok) return { file: null, report, entries };
  if (options.dir !== undefined) {
    const dir = resolve(options.root, options.dir);
    for (const [path, bytes] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    return { file: dir, report, entries };
  }
  const file = resolve(options.root, options.out ?? join('tmp', `app-${timestamp(options.now ?? new Date())}.zip`));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, zipApp(files));
  return { file, report, entries };
}

function main(argv: string[]): number {
  let out: string | undefined;
  let dir: string | undefined;
  let publicUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((arg === '--out' || arg === '--dir' || arg === '--public-url') && argv[i + 1] === undefined) {
      process.stderr.write(`${arg} needs a value\n`);
      return 2;
    }
    if (arg === '--out') out = argv[++i];
    else if (arg === '--dir') dir = argv[++i];
    else if (arg === '--public-url') publicUrl = argv[++i];
    else {
      process.stderr.write(`usage: npm run package-app -- --public-url https://certdesk.example.com [--out FILE | --dir DIR]\nunknown argument: ${arg}\n`);
      return 2;
    }
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  let result: PackageResult;
  try {
    // PUBLIC_URL as certdesk reads it: the environment over .env / ENV_FILE.
    publicUrl ??= withEnvFile(process.env, process.cwd()).env.PUBLIC_URL || undefined;
    result = packageApp({ root, ...(out ? { out } : {}), ...(dir ? { dir } : {}), ...(publicUrl ? { publicUrl } : {}) });
    refreshTranslationsModule(root);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (result.report.problems.length > 0) process.stderr.write(formatAppProblems(result.report) + '\n');
  if (!result.file) {
    process.stderr.write('the app is not valid: nothing was packaged\n');
    return 1;
  }
  process.stdout.write(`${result.file}\n`);
  process.stderr.write(`packaged ${result.entries.length} files: ${result.entries.join(', ')}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
