// `npm start` runs the compiled service; this builds it first when dist/ is missing or older than src/.
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
const stale = !existsSync(stamp) || newest('src') > statSync(stamp).mtimeMs || statSync('package-lock.json').mtimeMs > statSync(stamp).mtimeMs;
if (stale) {
  process.stderr.write('certdesk: building (tsc)…\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
