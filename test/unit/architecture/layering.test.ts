import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayers } from '../../../scripts/check-layers.js';

/** ARCHITECTURE.md's layering, over src/'s real import graph. */
describe('layering of src/', () => {
  it('has no import that points up or sideways, and no cycle between top-level folders', () => {
    const report = checkLayers(join(import.meta.dirname, '../../../src'));
    expect(report.files).toBeGreaterThan(300);
    expect(report.violations).toEqual([]);
    expect(report.cycles).toEqual([]);
  });
});

describe('checkLayers', () => {
  let dir: string;
  const write = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'layers-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts imports that point down', () => {
    const report = checkLayers(
      write({
        'lib/clock.ts': 'export const now = () => 1;',
        'core/a.ts': "import { now } from '../lib/clock.js'; export const a = now;",
        'ports/p.ts': "import type { a } from '../core/a.js'; export type P = typeof a;",
        'jobs/j.ts': "import type { P } from '../ports/p.js'; export type J = P;",
      }),
    );
    expect(report).toMatchObject({ files: 4, violations: [], cycles: [] });
  });

  it('reports a core file that imports an adapter, a port or a module that does I/O', () => {
    const report = checkLayers(
      write({
        'adapters/x.ts': 'export const x = 1;',
        'ports/p.ts': 'export type P = 1;',
        'core/a.ts':
          "import { x } from '../adapters/x.js';\nimport type { P } from '../ports/p.js';\nimport { readFileSync } from 'node:fs';\nexport const a = [x, readFileSync];",
      }),
    );
    expect(report.violations).toEqual([
      { file: 'core/a.ts', imports: 'adapters/x.ts', rule: 'core may import lib' },
      { file: 'core/a.ts', imports: 'ports/p.ts', rule: 'core may import lib' },
      { file: 'core/a.ts', imports: 'node:fs', rule: 'core does no I/O' },
    ]);
  });

  it('counts type-only imports, re-exports and dynamic imports', () => {
    const report = checkLayers(
      write({
        'adapters/x.ts': 'export type X = 1; export const y = 2;',
        'jobs/a.ts': "import type { X } from '../adapters/x.js'; export type A = X;",
        'jobs/b.ts': "export { y } from '../adapters/x.js';",
        'http/c.ts': "export const c = () => import('../adapters/x.js');",
      }),
    );
    expect(report.violations.map((v) => v.file).sort()).toEqual(['http/c.ts', 'jobs/a.ts', 'jobs/b.ts']);
  });

  it('allows intake the job kinds but nothing else of jobs/', () => {
    const report = checkLayers(
      write({
        'jobs/job-kinds.ts': "export const K = 'k';",
        'jobs/worker.ts': 'export const w = 1;',
        'intake/a.ts': "import { K } from '../jobs/job-kinds.js'; import { w } from '../jobs/worker.js'; export const a = [K, w];",
      }),
    );
    expect(report.violations).toEqual([{ file: 'intake/a.ts', imports: 'jobs/worker.ts', rule: 'intake may import ports, core, lib' }]);
  });

  it('reports a cycle between top-level folders and an unknown folder', () => {
    const report = checkLayers(
      write({
        'wiring/w.ts': "import { c } from '../cli/c.js'; export const w = c;",
        'cli/c.ts': "import { w } from '../wiring/w.js'; export const c = w;",
        'misc/m.ts': 'export const m = 1;',
      }),
    );
    expect(report.cycles).toEqual([['cli', 'wiring']]);
    expect(report.violations).toContainEqual({ file: 'wiring/w.ts', imports: 'cli/c.ts', rule: expect.stringContaining('wiring may import') });
    expect(report.violations).toContainEqual({ file: 'misc/m.ts', imports: '', rule: expect.stringContaining('not a known layer') });
  });
});
