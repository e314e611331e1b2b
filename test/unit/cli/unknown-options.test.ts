import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';

describe('an option a command does not know is a usage error, before anything is read or opened', () => {
  it.each([
    [['migrate-store', '--from', 'sqlite:./nowhere.db', '--bogus']],
    [['setup-zendesk', '--public-url', 'https://certdesk.example.com', '--bogus']],
    [['expiry-report', '--bogus']],
    [['doctor', '--bogus']],
    [['renewal', 'show', '7', '--bogus']],
    [['jobs', 'list', '--bogus']],
    [['backup', './copy.db', '--bogus']],
    [['restore', './copy.db', '--bogus']],
    [['check-bundle', '--domain', 'my.example.com', './bundle.pem', '--bogus']],
  ])('%j exits 2 naming the option', async (argv) => {
    let stderr = '';
    const code = await runCli(argv, { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: import.meta.dirname });
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option '--bogus'/);
  });
});
