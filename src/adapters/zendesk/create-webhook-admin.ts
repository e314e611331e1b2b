import { silentLogger } from '../../lib/logger.js';
import { RetryableError } from '../../lib/errors.js';
import type { WebhookSpec, ZendeskWebhook, ZendeskWebhookAdmin } from '../../ports/zendesk-webhooks.js';
import type { ZendeskClientOptions } from './create-zendesk-client.js';
import { ZendeskHttp } from './zendesk-http.js';

const MAX_PAGES = 50;

/** The webhooks API for `setup-zendesk`, on the same HTTP layer (errors, timeouts) as the client. */
export function createWebhookAdmin(options: Pick<ZendeskClientOptions, 'baseUrl' | 'auth' | 'timeoutMs' | 'logger' | 'fetch'>): ZendeskWebhookAdmin {
  const http = new ZendeskHttp({
    baseUrl: options.baseUrl,
    auth: options.auth,
    timeoutMs: options.timeoutMs ?? 30_000,
    fetch: options.fetch ?? globalThis.fetch,
    logger: options.logger ?? silentLogger(),
  });
  const hookPath = (id: string) => `/api/v2/webhooks/${encodeURIComponent(id)}`;
  const body = (spec: WebhookSpec) => ({
    webhook: {
      name: spec.name,
      endpoint: spec.endpoint,
      http_method: 'POST',
      request_format: 'json',
      status: 'active',
      subscriptions: spec.subscriptions,
      ...(spec.description ? { description: spec.description } : {}),
    },
  });
  return {
    async listWebhooks(nameContains) {
      const out: ZendeskWebhook[] = [];
      let next: string | undefined =
        `/api/v2/webhooks?page%5Bsize%5D=100${nameContains ? `&filter%5Bname_contains%5D=${encodeURIComponent(nameContains)}` : ''}`;
      for (let page = 0; next; page++) {
        if (page >= MAX_PAGES) throw new RetryableError('the account lists more webhooks than setup-zendesk reads');
        const res: { webhooks?: ZendeskWebhook[]; meta?: { has_more?: boolean }; links?: { next?: string | null } } = await http.json({
          method: 'GET',
          path: next,
        });
        out.push(...(res.webhooks ?? []));
        next = res.meta?.has_more && res.links?.next ? res.links.next : undefined;
      }
      return out;
    },
    async createWebhook(spec) {
      const res = await http.json<{ webhook: ZendeskWebhook }>({ method: 'POST', path: '/api/v2/webhooks', json: body(spec) });
      return res.webhook;
    },
    async updateWebhook(id, spec) {
      const webhook = { endpoint: spec.endpoint, http_method: 'POST', request_format: 'json', status: 'active', subscriptions: spec.subscriptions };
      await http.json({ method: 'PATCH', path: hookPath(id), json: { webhook } });
    },
    async testWebhook(id, endpoint) {
      const res = await http.json<{ test?: { status?: string; message?: string; response_code?: number; response_body?: string } }>({
        method: 'POST',
        path: '/api/v2/webhooks/test',
        query: { webhook_id: id },
        json: { webhook: { endpoint, http_method: 'POST', request_format: 'json' } },
      });
      const t = res.test ?? {};
      return { status: t.status ?? 'unknown', responseCode: t.response_code ?? 0, responseBody: t.response_body ?? '', message: t.message ?? '' };
    },
    async getSigningSecret(id) {
      return (await http.json<{ signing_secret: { secret: string } }>({ method: 'GET', path: `${hookPath(id)}/signing_secret` })).signing_secret.secret;
    },
    async resetSigningSecret(id) {
      return (await http.json<{ signing_secret: { secret: string } }>({ method: 'POST', path: `${hookPath(id)}/signing_secret` })).signing_secret.secret;
    },
  };
}
