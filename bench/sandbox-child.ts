/**
 * The Zendesk sandbox in a process of its own, for benches whose certdesk processes cannot embed it
 * (`certdesk worker` refuses sandbox mode): prints one JSON line with what certdesk needs to reach
 * it (URL, API user, OAuth client, attachment hosts, the demo registry), then serves until SIGTERM.
 * Out of the bench's process, its work does not slow the load generator.
 */
import { startTestSandbox, TEST_OAUTH_CLIENT } from '../test/helpers/sandbox.js';

const zd = await startTestSandbox({ demoData: true });
process.stdout.write(
  JSON.stringify({
    url: zd.url,
    email: zd.sandbox.apiUser.email,
    clientId: TEST_OAUTH_CLIENT.id,
    clientSecret: TEST_OAUTH_CLIENT.secret,
    attachmentHosts: zd.sandbox.attachmentHostPattern,
    registry: zd.demo!.registry,
  }) + '\n',
);
process.on('SIGTERM', () => {
  void zd.close().then(() => process.exit(0));
});
