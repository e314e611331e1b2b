import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';
import { createWebhookAdmin } from '../../adapters/zendesk/create-webhook-admin.js';
import { WEBHOOK_SUBSCRIPTIONS } from './webhook-subscriptions.js';
import type { ZendeskWebhook, ZendeskWebhookAdmin } from '../../ports/zendesk-webhooks.js';
import type { ZendeskAuth } from '../../adapters/zendesk/zendesk-http.js';
import { doctorReport, formatDoctorReport } from './doctor.js';
import { OAuthTokenProvider } from '../../adapters/zendesk/oauth-token-provider.js';
import { silentLogger } from '../../lib/logger.js';

const USAGE = `Usage: certdesk setup-zendesk [--public-url URL] [--name NAME] [--rotate] [--json]

Connects a real Zendesk account to certdesk: creates the webhook (event subscriptions for the
ticket events certdesk handles) pointing at <PUBLIC_URL>/webhooks/zendesk, and prints its signing
secret once, for ZENDESK_WEBHOOK_SECRET. Run again, it finds the webhook and changes nothing (or
brings its endpoint and subscriptions up to date with PATCH, keeping what else an admin set). A
webhook of that name connected to triggers cannot be converted: it says what to do instead (exit 1).
It ends by running doctor (npm run cli -- doctor) with the resulting configuration.

  --public-url URL  certdesk's public address (default: PUBLIC_URL)
  --name NAME       the webhook's name (default: certdesk)
  --rotate          reset the signing secret: prints the new one, and the old one for
                    ZENDESK_WEBHOOK_SECRET_PREVIOUS (certdesk accepts both during the switch)
  --json            print the result as JSON

Reads ZENDESK_URL and the credentials from the environment: ZENDESK_OAUTH_CLIENT_ID +
ZENDESK_OAUTH_CLIENT_SECRET (client credentials), ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL +
ZENDESK_API_TOKEN; the user they act as must be a Zendesk admin (the webhooks API is for admins).
Exit codes: 0 done (whatever doctor found), 1 Zendesk refused or a trigger-connected
webhook is in the way, 2 usage or configuration error.`;

export { WEBHOOK_SUBSCRIPTIONS };

type Outcome =
  | { action: 'created'; webhook: ZendeskWebhook; secret: string }
  /** A webhook of that name is connected to triggers: Zendesk cannot turn it into an event-subscribed one. */
  | { action: 'trigger_connected'; webhook: ZendeskWebhook }
  | { action: 'unchanged' | 'updated'; webhook: ZendeskWebhook }
  | { action: 'rotated'; webhook: ZendeskWebhook; secret: string; previousSecret: string };

/**
 * Creates or finds certdesk's webhook (check → act), or rotates its secret. Pure of I/O except
 * through `admin`, so it is tested against the sandbox's webhooks API.
 */
export async function setupWebhook(
  admin: ZendeskWebhookAdmin,
  options: { name: string; endpoint: string; rotate: boolean; currentSecret?: string },
): Promise<Outcome> {
  const spec = {
    name: options.name,
    endpoint: options.endpoint,
    subscriptions: [...WEBHOOK_SUBSCRIPTIONS],
    description: 'certdesk: certificate renewals (created by setup-zendesk)',
  };
  const candidates = (await admin.listWebhooks(options.name)).filter((w) => w.name === options.name || w.endpoint === options.endpoint);
  const existing = candidates.find((w) => w.endpoint === options.endpoint) ?? candidates[0];
  if (existing?.subscriptions.includes('conditional_ticket_events')) return { action: 'trigger_connected', webhook: existing };
  if (!existing) {
    const webhook = await admin.createWebhook(spec);
    return { action: 'created', webhook, secret: await admin.getSigningSecret(webhook.id) };
  }
  if (options.rotate) {
    const previousSecret = options.currentSecret ?? (await admin.getSigningSecret(existing.id));
    return { action: 'rotated', webhook: existing, secret: await admin.resetSigningSecret(existing.id), previousSecret };
  }
  const same =
    existing.endpoint === spec.endpoint &&
    existing.status === 'active' &&
    existing.request_format === 'json' &&
    existing.http_method === 'POST' &&
    [...existing.subscriptions].sort().join() === [...spec.subscriptions].sort().join();
  if (same) return { action: 'unchanged', webhook: existing };
  await admin.updateWebhook(existing.id, spec);
  return { action: 'updated', webhook: { ...existing, endpoint: spec.endpoint, subscriptions: spec.subscriptions, status: 'active' } };
}

function readConnection(env: NodeJS.ProcessEnv): { url: string; auth: ZendeskAuth } {
  const problems: string[] = [];
  const url = env.ZENDESK_URL?.trim();
  if (!url) problems.push('ZENDESK_URL is not set: setup-zendesk connects a real Zendesk account (sandbox mode needs no setup).');
  else if (!/^https:\/\/|^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(url)) problems.push(`ZENDESK_URL must be an https URL (got "${url}").`);
  const email = env.ZENDESK_EMAIL?.trim();
  const token = env.ZENDESK_API_TOKEN?.trim();
  const oauth = env.ZENDESK_OAUTH_TOKEN?.trim();
  const clientId = env.ZENDESK_OAUTH_CLIENT_ID?.trim();
  const clientSecret = env.ZENDESK_OAUTH_CLIENT_SECRET?.trim();
  if (!(clientId && clientSecret) && !oauth && !(email && token)) {
    problems.push(
      'Set ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET (an OAuth client whose tokens act as a Zendesk admin), or ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL and ZENDESK_API_TOKEN (until 2027-04-30).',
    );
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  if (clientId && clientSecret) {
    // The client-credentials grant; a refresh token is left to certdesk, which persists its rotation.
    const scopes = env.ZENDESK_OAUTH_SCOPES?.trim() || 'read write';
    const tokens = new OAuthTokenProvider({ origin: new URL(url!).origin, credentials: { clientId, clientSecret, scopes }, logger: silentLogger() });
    return { url: url!, auth: { tokens } };
  }
  return { url: url!, auth: oauth ? { oauthToken: oauth } : { email: email!, apiToken: token! } };
}

function describe(outcome: Outcome): string {
  const w = outcome.webhook;
  switch (outcome.action) {
    case 'created':
      return [
        `Created webhook ${w.id} "${w.name}" → ${w.endpoint}`,
        `Subscribed to: ${w.subscriptions.join(', ')}`,
        '',
        "Its signing secret is shown this once. Put it in certdesk's environment:",
        `ZENDESK_WEBHOOK_SECRET=${outcome.secret}`,
      ].join('\n');
    case 'trigger_connected':
      return [
        `Webhook ${w.id} "${w.name}" → ${w.endpoint} is connected to triggers (its deliveries are whatever triggers send),`,
        'but certdesk needs a webhook subscribed to ticket events, and Zendesk cannot change how a webhook is connected.',
        'Do one of these, then run setup-zendesk again:',
        `  - delete it (Admin Center > Apps and integrations > Webhooks), and the triggers that use it, if certdesk was its only use;`,
        `  - or keep it and give certdesk its own webhook: setup-zendesk --name certdesk-events`,
      ].join('\n');
    case 'unchanged':
      return `Webhook ${w.id} "${w.name}" already points at ${w.endpoint} with the right subscriptions; nothing changed.\n(Its secret was shown when it was created; run with --rotate for a new one.)`;
    case 'updated':
      return `Updated webhook ${w.id} "${w.name}": it now points at ${w.endpoint} and is subscribed to ${w.subscriptions.join(', ')}. Its signing secret did not change.`;
    case 'rotated':
      return [
        `New signing secret for webhook ${w.id} "${w.name}". Zendesk signs with it from now on; deliveries already on their way carry the old one.`,
        "Set both in certdesk's environment and restart it; remove the previous one after a day:",
        `ZENDESK_WEBHOOK_SECRET=${outcome.secret}`,
        `ZENDESK_WEBHOOK_SECRET_PREVIOUS=${outcome.previousSecret}`,
      ].join('\n');
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: { 'public-url': { type: 'string' }, name: { type: 'string' }, rotate: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: false,
  });
  const publicUrl = (values['public-url'] ?? io.env.PUBLIC_URL ?? '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl))
    throw new UsageError("certdesk's public address is needed: set PUBLIC_URL or pass --public-url https://certdesk.example.com");
  const { url, auth } = readConnection(io.env);
  const admin = createWebhookAdmin({ baseUrl: url, auth });
  let outcome: Outcome;
  try {
    outcome = await setupWebhook(admin, {
      name: values.name ?? 'certdesk',
      endpoint: `${publicUrl}/webhooks/zendesk`,
      rotate: values.rotate ?? false,
      ...(io.env.ZENDESK_WEBHOOK_SECRET ? { currentSecret: io.env.ZENDESK_WEBHOOK_SECRET } : {}),
    });
  } catch (error) {
    io.stderr(`certdesk setup-zendesk: Zendesk refused: ${(error as Error).message}\n`);
    return EXIT.rejected;
  }
  if (outcome.action === 'trigger_connected') {
    io.stdout(
      (values.json ? JSON.stringify({ action: outcome.action, webhookId: outcome.webhook.id, endpoint: outcome.webhook.endpoint }) : describe(outcome)) + '\n',
    );
    return EXIT.rejected;
  }
  // Then doctor, with the environment certdesk will have (the new secret included).
  const secret = 'secret' in outcome ? outcome.secret : undefined;
  const report = await doctorReport({ ...io.env, PUBLIC_URL: publicUrl, ...(secret ? { ZENDESK_WEBHOOK_SECRET: secret } : {}) }, io.cwd);
  if (values.json) {
    const doctor =
      'results' in report ? { ok: report.results.every((r) => r.ok), checks: report.results } : { ok: false, configProblems: report.configProblems };
    io.stdout(
      JSON.stringify({
        action: outcome.action,
        webhookId: outcome.webhook.id,
        endpoint: outcome.webhook.endpoint,
        ...(secret ? { secret } : {}),
        ...('previousSecret' in outcome ? { previousSecret: outcome.previousSecret } : {}),
        doctor,
      }) + '\n',
    );
    return EXIT.ok;
  }
  const doctorText =
    'results' in report
      ? formatDoctorReport(report.results, false)
      : `doctor could not run yet; complete certdesk's configuration first:\n${report.configProblems.map((p) => `  - ${p}`).join('\n')}`;
  const restart = secret ? '\n(The signature check passes once certdesk runs with the secret above.)' : '';
  io.stdout(`${describe(outcome)}\n\nnpm run cli -- doctor:\n${doctorText}${restart}\n`);
  return EXIT.ok;
}

export const setupZendeskCommand: CliCommand = {
  name: 'setup-zendesk',
  usage: USAGE,
  run,
};
