import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/http/create-app.js';
import { renewalApiRouter, type RenewalApiOptions } from '../../../src/http/routes/renewal-api.js';
import { dashboardRouter, type DashboardOptions } from '../../../src/http/routes/dashboard.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * certdesk's HTTP app with the agent-app routers, wired the way src/wiring/create-http-app.ts wires routers
 * (createApp + the shared error handler), listening on 127.0.0.1:0 over the given store and
 * Zendesk client — in the tests, those of a running certdesk in sandbox mode.
 */
export async function startAgentAppServer(options: {
  api?: RenewalApiOptions;
  dashboard?: DashboardOptions;
}): Promise<{ url: string; logs: () => string; close(): Promise<void> }> {
  const captured = captureLogger();
  const routers = [...(options.api ? [renewalApiRouter(options.api)] : []), ...(options.dashboard ? [dashboardRouter(options.dashboard)] : [])];
  const server = createServer(createApp({ routers, logger: captured.logger }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs: captured.text,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
