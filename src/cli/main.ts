#!/usr/bin/env node
import { runCli } from './run-cli.js';
import { EXIT } from './command.js';

runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`certdesk: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.internal;
  },
);
