#!/usr/bin/env node
// Installed entry point: runs the compiled CLI (from a checkout use `npm run -s cli -- …`, no build needed).
await import('../dist/cli/main.js');
