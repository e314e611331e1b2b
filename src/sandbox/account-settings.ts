/**
 * The rules of the Zendesk account the sandbox imitates. The defaults are those of a real account
 * created today (December 2026; `../shared/reference/zendesk-facts.md` §10), so that tests fail
 * the way production would. Each rule can be switched at run time (`PUT /sandbox/settings`, and
 * `sandbox.account` in tests).
 */
export interface AccountSettings {
  /**
   * certdesk's own API user may authenticate with an API token (`email/token:…` Basic). False by
   * default: no account can create API tokens since 2026-10-27. People acting in tests and demos
   * (customers and agents other than certdesk's API user) keep `email/token:…` with any token.
   */
  apiTokens: boolean;
  /** Lifetime of access tokens issued by `POST /oauth/tokens`, in seconds (default 1800). */
  oauthTokenTtlSeconds: number;
  /** Lifetime of refresh tokens, in seconds (default 30 days). */
  oauthRefreshTokenTtlSeconds: number;
  /**
   * Confidential OAuth clients by `client_id`: their secret, and the user their tokens act as
   * (default: certdesk's API user). Changing or deleting a secret revokes it (and every token
   * issued to that client stops working).
   */
  oauthClients: Record<string, { secret: string; userEmail?: string }>;
  /** Solving a ticket needs an assignee ("Auto-assign tickets upon solve" off). Default true. */
  solveNeedsAssignee: boolean;
  /** The optional On-hold status is activated. Default false. */
  onHold: boolean;
  /** Agent Workspace: `PUT /comment_redactions/{id}` works. Default true (forced on since 2023-07-12). */
  agentWorkspace: boolean;
  /** Admin-only endpoints (e.g. `GET /organizations/search`) refuse agents. Default true. */
  adminOnlyEndpoints: boolean;
  /**
   * Support API requests a minute, announced in the rate-limit headers. Default 700 (Suite
   * Enterprise); 2,500 with Zendesk's High Volume API add-on, which a provider with thousands of
   * sites buys.
   */
  apiRateLimitPerMinute: number;
}

export function defaultAccountSettings(): AccountSettings {
  return {
    apiTokens: false,
    oauthTokenTtlSeconds: 1800,
    oauthRefreshTokenTtlSeconds: 30 * 24 * 3600,
    oauthClients: {},
    solveNeedsAssignee: true,
    onHold: false,
    agentWorkspace: true,
    adminOnlyEndpoints: true,
    apiRateLimitPerMinute: 700,
  };
}
