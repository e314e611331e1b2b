import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { startTestService, ticketEventPayload } from '../../helpers/service.js';
import { WEBHOOK_SUBSCRIPTIONS } from '../../../src/cli/commands/setup-zendesk.js';

let zd: TestSandbox;
beforeAll(async () => {
  zd = await startTestSandbox({ demoData: true });
});
afterAll(() => zd.close());

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['setup-zendesk', ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { ZENDESK_URL: zd.url, ZENDESK_EMAIL: 'admin@support.example', ZENDESK_API_TOKEN: 'admin-token', PUBLIC_URL: 'https://certdesk.example.com', ...env },
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

const webhooks = async () =>
  (await zd.api('GET', '/api/v2/webhooks')).body.webhooks as { id: string; name: string; endpoint: string; subscriptions: string[] }[];

describe('npm run cli -- setup-zendesk', () => {
  let firstSecret = '';

  it("creates the webhook with certdesk's subscriptions and prints its signing secret once", async () => {
    const { code, stdout } = await cli([]);
    expect(code).toBe(0);
    const secret = /^ZENDESK_WEBHOOK_SECRET=(\S+)$/m.exec(stdout)?.[1];
    expect(secret).toBeTruthy();
    firstSecret = secret!;
    const [hook] = (await webhooks()).filter((w) => w.name === 'certdesk');
    expect(hook).toMatchObject({ endpoint: 'https://certdesk.example.com/webhooks/zendesk' });
    expect([...hook!.subscriptions].sort()).toEqual([...WEBHOOK_SUBSCRIPTIONS].sort());
    expect(WEBHOOK_SUBSCRIPTIONS).toContain('zen:event-type:ticket.comment_added');
    const shown = (await zd.api('GET', `/api/v2/webhooks/${hook!.id}/signing_secret`)).body.signing_secret.secret;
    expect(shown).toBe(firstSecret);
  });

  it('changes nothing and prints no secret when run again', async () => {
    const { code, stdout } = await cli([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/already points at .* nothing changed/);
    expect(stdout).not.toContain(firstSecret);
    expect((await webhooks()).filter((w) => w.name === 'certdesk')).toHaveLength(1);
  });

  it('brings the endpoint up to date when certdesk moved, keeping the secret', async () => {
    const { code, stdout } = await cli(['--public-url', 'https://certdesk2.example.com/']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Updated webhook .* now points at https:\/\/certdesk2\.example\.com\/webhooks\/zendesk/);
    const [hook] = (await webhooks()).filter((w) => w.name === 'certdesk');
    expect(hook!.endpoint).toBe('https://certdesk2.example.com/webhooks/zendesk');
    expect((await zd.api('GET', `/api/v2/webhooks/${hook!.id}/signing_secret`)).body.signing_secret.secret).toBe(firstSecret);
  });

  it('--rotate resets the secret and prints the new one with the old one as the previous secret; certdesk accepts both during the switch', async () => {
    const { code, stdout } = await cli(['--rotate', '--public-url', 'https://certdesk2.example.com', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { action: string; secret: string; previousSecret: string; webhookId: string };
    expect(result).toMatchObject({ action: 'rotated', previousSecret: firstSecret });
    expect(result.secret).not.toBe(firstSecret);
    expect((await zd.api('GET', `/api/v2/webhooks/${result.webhookId}/signing_secret`)).body.signing_secret.secret).toBe(result.secret);

    const svc = await startTestService(
      { ZENDESK_WEBHOOK_SECRET: result.secret, ZENDESK_WEBHOOK_SECRET_PREVIOUS: result.previousSecret },
      { worker: { start: false } },
    );
    try {
      expect((await svc.deliver(ticketEventPayload('ticket.created', 501), { secret: result.previousSecret })).status).toBe(200);
      expect((await svc.deliver(ticketEventPayload('ticket.created', 502), { secret: result.secret })).status).toBe(200);
      expect((await svc.deliver(ticketEventPayload('ticket.created', 503), { secret: 'some-other-secret' })).status).toBe(401);
    } finally {
      await svc.stop();
    }
  });

  it.each([
    ['no Zendesk URL', { ZENDESK_URL: '' }, /ZENDESK_URL is not set/],
    ['no credentials', { ZENDESK_API_TOKEN: '' }, /Set ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET .*, or ZENDESK_EMAIL and ZENDESK_API_TOKEN/],
    ['no public URL', { PUBLIC_URL: '' }, /set PUBLIC_URL or pass --public-url/],
  ])('exits 2 with a plain message when there is %s', async (_name, env, message) => {
    const { code, stderr, stdout } = await cli([], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('updates with PATCH, keeping what an admin set on the webhook (its name, description and authentication)', async () => {
    const [hook] = (await webhooks()).filter((w) => w.name === 'certdesk');
    const auth = { type: 'bearer_token', data: { token: 'kept' }, add_position: 'header' };
    expect(
      (
        await zd.api('PATCH', `/api/v2/webhooks/${hook!.id}`, {
          as: 'admin@support.example',
          body: { webhook: { description: 'set by an admin', authentication: auth, status: 'inactive' } },
        })
      ).status,
    ).toBe(204);
    const { code, stdout } = await cli(['--public-url', 'https://certdesk3.example.com']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Updated webhook/);
    const after = (await zd.api('GET', `/api/v2/webhooks/${hook!.id}`, { as: 'admin@support.example' })).body.webhook;
    expect(after).toMatchObject({
      name: 'certdesk',
      description: 'set by an admin',
      status: 'active',
      endpoint: 'https://certdesk3.example.com/webhooks/zendesk',
      authentication: { type: 'bearer_token' },
    });
  });

  it('ends by running doctor with the configuration certdesk will have', async () => {
    const { code, stdout } = await cli(['--public-url', 'https://certdesk3.example.com']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/nothing changed/);
    // Without the rest of certdesk's configuration, doctor says what is missing instead of checking.
    expect(stdout).toMatch(
      /npm run cli -- doctor:\ndoctor could not run yet; complete certdesk's configuration first:\n(.*\n)* {2}- KEY_ENCRYPTION_KEY is required/,
    );
    const json = JSON.parse((await cli(['--public-url', 'https://certdesk3.example.com', '--json'])).stdout) as {
      action: string;
      doctor: { ok: boolean; configProblems: string[] };
    };
    expect(json).toMatchObject({ action: 'unchanged', doctor: { ok: false } });
    expect(json.doctor.configProblems.join('\n')).toMatch(/DOMAINS_FILE is required/);
  });

  it('recognises a webhook named certdesk that is connected to triggers, and says what to do instead of failing on it', async () => {
    const other = await startTestSandbox({ demoData: true });
    try {
      const created = await other.api('POST', '/api/v2/webhooks', {
        as: 'admin@support.example',
        body: {
          webhook: {
            name: 'certdesk',
            endpoint: 'https://certdesk.example.com/webhooks/zendesk',
            http_method: 'POST',
            request_format: 'json',
            status: 'active',
            subscriptions: ['conditional_ticket_events'],
          },
        },
      });
      expect(created.status).toBe(201);
      let stdout = '';
      const code = await runCli(['setup-zendesk'], {
        stdout: (t) => void (stdout += t),
        stderr: () => undefined,
        env: { ZENDESK_URL: other.url, ZENDESK_EMAIL: 'admin@support.example', ZENDESK_API_TOKEN: 'admin-token', PUBLIC_URL: 'https://certdesk.example.com' },
        cwd: process.cwd(),
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/is connected to triggers/);
      expect(stdout).toMatch(/Zendesk cannot change how a webhook is connected/);
      expect(stdout).toMatch(/setup-zendesk --name certdesk-events/);
      const hooks = (await other.api('GET', '/api/v2/webhooks', { as: 'admin@support.example' })).body.webhooks as { subscriptions: string[] }[];
      expect(hooks).toHaveLength(1);
      expect(hooks[0]!.subscriptions).toEqual(['conditional_ticket_events']);
    } finally {
      await other.close();
    }
  });

  it('signs in with an OAuth client (client credentials) whose tokens act as an admin', async () => {
    zd.sandbox.account.oauthClients['setup-admin'] = { secret: 'setup-secret', userEmail: 'admin@support.example' };
    const { code, stdout } = await cli(['--public-url', 'https://certdesk3.example.com'], {
      ZENDESK_EMAIL: '',
      ZENDESK_API_TOKEN: '',
      ZENDESK_OAUTH_CLIENT_ID: 'setup-admin',
      ZENDESK_OAUTH_CLIENT_SECRET: 'setup-secret',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/nothing changed/);
  });

  it('exits 1 when Zendesk refuses (an end user is not allowed to manage webhooks)', async () => {
    const { code, stderr } = await cli([], { ZENDESK_EMAIL: zd.demo!.customer.email });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Zendesk refused: .*403|Zendesk refused/);
  });
});
