#!/usr/bin/env node
// Installed entry point: runs the compiled CLI from dist/, which `npm ci` builds (`prepare`).
// From a checkout `npm run -s cli -- …` needs no build. `certdesk --print-config` shows the configuration.
// `certdesk all|web|worker` runs the service in that role (dist/main.js, as `npm start` runs `all`).
import { existsSync } from 'node:fs';

const SERVICE_ROLES = ['all', 'web', 'worker'];
const entry = SERVICE_ROLES.includes(process.argv[2] ?? '') ? 'main.js' : 'cli/main.js';
const target = new URL(`../dist/${entry}`, import.meta.url);
if (!existsSync(target)) {
  process.stderr.write('certdesk: dist/ is missing; build it with `npm ci` (or `npm run build`), or use `npm run -s cli -- …` from a checkout.\n');
  process.exit(3);
}
await import(target.href);
