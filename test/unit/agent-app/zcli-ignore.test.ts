import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIgnored, parseZcliIgnore } from '../../../scripts/agent-app/zcli-ignore.js';

describe('.zcliignore patterns', () => {
  const patterns = parseZcliIgnore('# comment\n\n*.md\nassets/drafts/\n**/*.map\n/translations/xx.json\nassets/?.tmp\n');

  it.each([
    ['tmp/app-20260101000000.zip', true],
    ['assets/tmp/file.js', false],
    ['README.md', true],
    ['assets/NOTES.md', true],
    ['assets/drafts/old.js', true],
    ['assets/drafts-keep.js', false],
    ['assets/main.js.map', true],
    ['main.js.map', true],
    ['translations/xx.json', true],
    ['translations/en.json', false],
    ['assets/a.tmp', true],
    ['assets/ab.tmp', false],
    ['assets/main.js', false],
    ['manifest.json', false],
  ])('%s ignored: %s', (path, ignored) => {
    expect(isIgnored(path, patterns)).toBe(ignored);
  });

  it('keeps only patterns (comments and blank lines dropped), tmp/ first', () => {
    expect(patterns).toEqual(['tmp/', '*.md', 'assets/drafts/', '**/*.map', '/translations/xx.json', 'assets/?.tmp']);
  });
});

describe("the repository's .zcliignore", () => {
  it('leaves zcli only the app (manifest.json, assets/, translations/): every other tracked file is ignored', () => {
    const root = join(import.meta.dirname, '../../..');
    const patterns = parseZcliIgnore(readFileSync(join(root, '.zcliignore'), 'utf8'));
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    const isApp = (path: string) => path === 'manifest.json' || path.startsWith('assets/') || path.startsWith('translations/');
    expect(tracked.filter((path) => !isApp(path) && !isIgnored(path, patterns) && path !== '.zcliignore')).toEqual([]);
    expect(tracked.filter((path) => isApp(path) && isIgnored(path, patterns))).toEqual([]);
  });
});
