// Builds dist/ (TypeScript → JavaScript) when it is missing or older than src/ or the lockfile.
// Runs at install time (`npm ci` → `prepare`), so the production command, `node dist/main.js`,
// needs neither TypeScript nor any other devDependency; `npm start` runs it again as a cheap check.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stamp = 'dist/main.js';
// An installed copy without src/ (a packed tarball) has nothing to build.
if (existsSync('src')) {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -1;
  const stale = built < 0 || newest('src') > built || (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > built);
  if (stale) {
    const tsc = 'node_modules/typescript/bin/tsc';
    if (!existsSync(tsc)) {
      process.stderr.write(
        'certdesk: dist/ is missing or older than src/, and TypeScript is not installed (devDependencies omitted): build with `npm ci` first, then `npm prune --omit=dev`.\n',
      );
      process.exit(1);
    }
    process.stderr.write('certdesk: building (tsc)…\n');
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    } catch {
      process.stderr.write('certdesk: TypeScript reported errors (above): fix them and run `npm run build`.\n');
      process.exit(1);
    }
  }
}
