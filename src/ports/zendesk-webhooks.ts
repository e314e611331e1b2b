/**
 * The part of Zendesk's webhooks API that `setup-zendesk` uses to connect an account
 * (zendesk-webhooks-oas.thirdparty.yaml). Same error contract as the ZendeskApi port.
 */

export interface ZendeskWebhook {
  id: string;
  name: string;
  endpoint: string;
  http_method: string;
  request_format: string;
  status: 'active' | 'inactive';
  subscriptions: string[];
}

export interface WebhookSpec {
  name: string;
  endpoint: string;
  subscriptions: string[];
  description?: string;
}

export interface WebhookTestResult {
  status: string;
  responseCode: number;
  responseBody: string;
  message: string;
}

export interface ZendeskWebhookAdmin {
  /** `GET /api/v2/webhooks?filter[name_contains]=` (every page). */
  listWebhooks(nameContains?: string): Promise<ZendeskWebhook[]>;
  /** `POST /api/v2/webhooks` (POST, JSON, active). */
  createWebhook(spec: WebhookSpec): Promise<ZendeskWebhook>;
  /**
   * `PATCH /api/v2/webhooks/{id}`: endpoint, subscriptions, active — only those fields, so what an
   * admin set on the webhook otherwise (name, description, authentication) is kept.
   */
  updateWebhook(id: string, spec: WebhookSpec): Promise<void>;
  /**
   * `POST /api/v2/webhooks/test?webhook_id=`: Zendesk sends a test request to `endpoint`, signed with
   * the webhook's signing secret, and reports what the endpoint answered (`responseCode` 0: no answer).
   */
  testWebhook(id: string, endpoint: string): Promise<WebhookTestResult>;
  /** `GET /api/v2/webhooks/{id}/signing_secret` */
  getSigningSecret(id: string): Promise<string>;
  /** `POST /api/v2/webhooks/{id}/signing_secret`: a new secret; the old one stops signing at once. */
  resetSigningSecret(id: string): Promise<string>;
}
