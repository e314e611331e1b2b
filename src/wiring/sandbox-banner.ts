import type { DemoData } from '../sandbox/start-sandbox.js';

export interface SandboxBannerInput {
  certdeskUrl: string;
  sandboxUrl: string;
  demo: DemoData | null;
}

/**
 * What a newcomer reads when `npm start` runs in sandbox mode: plain text, not a log line, so the
 * `curl` that opens a renewal as the demo customer can be pasted into a shell as it is (inside a
 * JSON log field its quotes and newlines would be escaped). Pure: the caller writes it to stderr.
 */
export function sandboxBanner({ certdeskUrl, sandboxUrl, demo }: SandboxBannerInput): string {
  const lines = [
    '',
    'certdesk is running in SANDBOX MODE: nothing reaches a real Zendesk account.',
    `  certdesk              ${certdeskUrl}`,
    `  Zendesk sandbox       ${sandboxUrl}/   (open it in a browser to watch the tickets)`,
  ];
  const site = demo?.registry[0]?.domain;
  if (demo && site) {
    const body = [
      `Site URL: ${site}`,
      'Country Name: GB',
      'State or Province Name: Greater London',
      'Locality Name: London',
      `Organization Full Name: ${demo.organization.name}`,
      `Your email address: ${demo.customer.email}`,
    ].join('\n');
    // JSON.stringify writes each newline as \n: the body stays on one line of the command.
    const ticket = `{"ticket":{"subject":"Certificate renewal","priority":"low","comment":{"body":${JSON.stringify(body)}}}}`;
    lines.push(
      `  demo customer         ${demo.customer.email} (${demo.organization.name}), site ${site}`,
      '',
      'Open a renewal as the demo customer (paste this into a shell):',
      '',
      `curl -u ${shellQuote(`${demo.customer.email}/token:x`)} -H 'content-type: application/json' \\`,
      `  ${sandboxUrl}/api/v2/tickets -d ${shellQuote(ticket)}`,
    );
  }
  return lines.join('\n') + '\n\n';
}

/** One shell word in single quotes; a quote inside becomes '\''. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
