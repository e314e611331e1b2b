import type { Sandbox } from '../sandbox/start-sandbox.js';
import type { Logger } from '../lib/logger.js';

/** What a newcomer needs to try the sandbox: where things are, and who to be. */
export function logSandboxWelcome(logger: Logger, sandbox: Sandbox, url: string): void {
  const demo = sandbox.demo;
  logger.info(
    {
      certdesk: url,
      sandbox: sandbox.url,
      sandboxWebPage: `${sandbox.url}/`,
      ...(demo
        ? {
            demoOrganization: demo.organization.name,
            demoCustomer: demo.customer.email,
            demoSite: demo.registry[0]?.domain,
            // The curl to try it is printed as plain text by main.ts (sandbox-banner.ts), where it can be pasted.
          }
        : {}),
    },
    'sandbox ready: open the sandbox web page to watch tickets; create a low-priority ticket as the demo customer to start a renewal',
  );
}
