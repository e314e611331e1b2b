#!/usr/bin/env node
// Installed entry point: runs the compiled CLI from dist/, which `npm ci` builds (`prepare`).
// From a checkout `npm run -s cli -- …` needs no build. `certdesk --print-config` shows the configuration.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('certdesk: dist/ is missing; build it with `npm ci` (or `npm run build`), or use `npm run -s cli -- …` from a checkout.\n');
  process.exit(3);
}
await import(cli.href);
