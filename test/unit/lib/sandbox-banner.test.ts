import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { sandboxBanner } from '../../../src/wiring/sandbox-banner.js';
import type { DemoData } from '../../../src/sandbox/start-sandbox.js';

const person = (email: string) => ({ id: 1, name: 'x', email }) as unknown as DemoData['customer'];
const demo = (organization: string): DemoData =>
  ({
    organization: { id: 1, name: organization },
    customer: person("pat.o'lee@northwind-traders.example"),
    otherOrganization: { id: 2, name: 'Wingtip Cycles' },
    otherCustomer: person('kim@wingtip.example'),
    agent: person('sam@support.example'),
    registry: [{ domain: 'my.northwind-traders.example', organizationId: 1 }],
  }) as unknown as DemoData;

/** What a shell makes of the banner's curl command: its arguments, one per line as JSON. */
function shellArguments(command: string): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('the sandbox banner', () => {
  it('is plain text whose curl a shell reads back into exactly the intended request, quotes and newlines included', () => {
    const text = sandboxBanner({ certdeskUrl: 'http://127.0.0.1:3000', sandboxUrl: 'http://127.0.0.1:3001', demo: demo("O'Brien & Sons") });
    expect(text).toContain('SANDBOX MODE');
    expect(text).not.toMatch(/[{"]msg"/);
    const command = /^curl [^\n]*\\\n[^\n]*$/m.exec(text)![0];
    const args = shellArguments(command);
    expect(args.slice(0, 5)).toEqual([
      '-u',
      "pat.o'lee@northwind-traders.example/token:x",
      '-H',
      'content-type: application/json',
      'http://127.0.0.1:3001/api/v2/tickets',
    ]);
    expect(args[5]).toBe('-d');
    const body = JSON.parse(args[6]!) as { ticket: { priority: string; comment: { body: string } } };
    expect(body.ticket.priority).toBe('low');
    expect(body.ticket.comment.body.split('\n')).toEqual([
      'Site URL: my.northwind-traders.example',
      'Country Name: GB',
      'State or Province Name: Greater London',
      'Locality Name: London',
      "Organization Full Name: O'Brien & Sons",
      "Your email address: pat.o'lee@northwind-traders.example",
    ]);
  });

  it('gives only the addresses when there is no demo data (DOMAINS_FILE replaced it)', () => {
    const text = sandboxBanner({ certdeskUrl: 'http://127.0.0.1:3000', sandboxUrl: 'http://127.0.0.1:3001', demo: null });
    expect(text).toContain('http://127.0.0.1:3001/');
    expect(text).not.toContain('curl');
  });
});
