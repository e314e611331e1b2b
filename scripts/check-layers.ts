import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layering of src/ (ARCHITECTURE.md), checked over the import graph. Each top-level folder may
 * import only the folders listed for it; `(root)` is main.ts and index.ts, the entry points. Type-only
 * imports count: a type that points up still ties the layers together.
 *
 *   npx tsx scripts/check-layers.ts [srcDir]     prints every violation, exits 1 when there is one
 */
export const LAYERS: Record<string, readonly string[]> = {
  lib: [],
  core: ['lib'],
  ports: ['core', 'lib'],
  config: ['core', 'lib'],
  adapters: ['ports', 'core', 'lib'],
  jobs: ['ports', 'core', 'lib'],
  intake: ['ports', 'core', 'lib'],
  http: ['intake', 'ports', 'core', 'lib'],
  sandbox: ['adapters', 'core', 'lib'],
  wiring: ['http', 'intake', 'jobs', 'sandbox', 'adapters', 'config', 'ports', 'core', 'lib'],
  cli: ['wiring', 'http', 'intake', 'jobs', 'sandbox', 'adapters', 'config', 'ports', 'core', 'lib'],
  '(root)': ['cli', 'wiring', 'http', 'intake', 'jobs', 'sandbox', 'adapters', 'config', 'ports', 'core', 'lib'],
};

/** Files of another folder a layer may import although the folder as a whole is out of its reach. */
export const SINGLE_FILE_EXCEPTIONS: Record<string, readonly string[]> = {
  // The intake seam enqueues jobs: it needs their kinds and payload types, nothing else of jobs/.
  intake: ['jobs/job-kinds.ts'],
};

/** Modules that do I/O: the core stays pure (data in, data out), so it imports none of them. */
export const CORE_FORBIDDEN_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'worker_threads',
  'cluster',
  'better-sqlite3',
  'pg',
  'express',
  'nodemailer',
  'smtp-server',
  'acme-client',
  'pino',
];

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

export interface LayerReport {
  files: number;
  imports: number;
  violations: Violation[];
  /** Top-level folders that import each other, directly or through others (each cycle once). */
  cycles: string[][];
}

const layerOf = (srcDir: string, file: string): string => {
  const parts = relative(srcDir, file).split(sep);
  return parts.length > 1 ? parts[0]! : '(root)';
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names (`./x.js` is `./x.ts` on disk), or null when there is none. */
function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && candidate.endsWith('ts')) return candidate;
  }
  return null;
}

/** Every import of every file under `srcDir` (static, type-only, re-exports and dynamic `import()`). */
export function importGraph(srcDir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(srcDir)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      info.importedFiles.map((f) => f.fileName),
    );
  }
  return graph;
}

export function checkLayers(srcDir: string): LayerReport {
  const root = resolve(srcDir);
  const graph = importGraph(root);
  const violations: Violation[] = [];
  const folderEdges = new Map<string, Set<string>>();
  let imports = 0;
  for (const [file, specifiers] of graph) {
    const from = layerOf(root, file);
    const allowed = LAYERS[from];
    const name = relative(root, file).split(sep).join('/');
    if (!allowed) violations.push({ file: name, imports: '', rule: `"${from}" is not a known layer: add it to LAYERS and ARCHITECTURE.md` });
    for (const specifier of specifiers) {
      imports++;
      if (!specifier.startsWith('.')) {
        const bare = specifier.replace(/^node:/, '');
        if (from === 'core' && CORE_FORBIDDEN_MODULES.includes(bare)) violations.push({ file: name, imports: specifier, rule: 'core does no I/O' });
        continue;
      }
      const target = resolveRelative(file, specifier);
      if (!target) continue; // tsc reports imports of missing files
      if (!target.startsWith(root + sep)) {
        violations.push({ file: name, imports: specifier, rule: 'src/ imports nothing outside src/' });
        continue;
      }
      const to = layerOf(root, target);
      if (to === from) continue;
      if (!folderEdges.has(from)) folderEdges.set(from, new Set());
      folderEdges.get(from)!.add(to);
      const targetName = relative(root, target).split(sep).join('/');
      if (allowed && !allowed.includes(to) && !SINGLE_FILE_EXCEPTIONS[from]?.includes(targetName)) {
        violations.push({ file: name, imports: targetName, rule: `${from} may import ${allowed.length ? allowed.join(', ') : 'nothing outside itself'}` });
      }
    }
  }
  return { files: graph.size, imports, violations, cycles: folderCycles(folderEdges) };
}

/** The strongly connected groups of more than one folder (Tarjan), each listed in sorted order. */
export function folderCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const report = checkLayers(process.argv[2] ?? 'src');
  for (const v of report.violations) console.log(`${v.file} -> ${v.imports}: ${v.rule}`);
  for (const c of report.cycles) console.log(`cycle between folders: ${c.join(' <-> ')}`);
  console.log(`${report.files} files, ${report.imports} imports, ${report.violations.length} violations, ${report.cycles.length} cycles`);
  process.exitCode = report.violations.length + report.cycles.length > 0 ? 1 : 0;
}
