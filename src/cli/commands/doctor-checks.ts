import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import { resolveStatusTable, statusesUnavailable, type StatusState } from '../../core/workflow/status-table.js';
import type { TicketStatus, ZendeskAccountSettings, ZendeskApi, ZendeskUser } from '../../ports/zendesk.js';
import type { ZendeskWebhook, ZendeskWebhookAdmin } from '../../ports/zendesk-webhooks.js';
import { WEBHOOK_SUBSCRIPTIONS } from './webhook-subscriptions.js';

/** One line of doctor's report. */
export interface CheckResult {
  check: string;
  ok: boolean;
  message: string;
}

/** What doctor checks, gathered from the configuration by the command. */
export interface DoctorSubject {
  zendesk: ZendeskApi;
  webhooks: ZendeskWebhookAdmin;
  /** Where Zendesk must deliver (`<PUBLIC_URL>/webhooks/zendesk`); null when PUBLIC_URL is unset. */
  webhookEndpoint: string | null;
  statusOverrides: Partial<Record<StatusState, TicketStatus>>;
  assignee: { assigneeId?: number; groupId?: number };
  registry: DomainRegistry;
  /** The store's line (doctor-store-check.ts): reachable, writable, migrated. */
  checkStore: () => Promise<CheckResult>;
}

const ok = (check: string, message: string): CheckResult => ({ check, ok: true, message });
const fail = (check: string, message: string): CheckResult => ({ check, ok: false, message });
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
const forbidden = (error: unknown) => error instanceof ZendeskApiError && error.status === 403;

/**
 * Every check, in the order an operator fixes things: credentials first (without them the account
 * checks cannot run, and say so), then the webhook and its signature, the account's rules, the
 * registry's organizations, and the store. Each check catches its own failure: one broken part
 * never hides the state of the others.
 */
export async function runDoctorChecks(s: DoctorSubject): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const me = await checkCredentials(s.zendesk, results);
  if (me) {
    const webhook = await checkWebhook(s, results);
    if (webhook) results.push(await checkSignature(s, webhook));
    const settings = await s.zendesk.getAccountSettings().catch((error: unknown) => error as Error);
    results.push(checkStatuses(s, settings));
    results.push(await checkAssignee(s));
    results.push(checkRedaction(settings));
    results.push(await checkOrganizations(s));
  } else {
    results.push(fail('zendesk', 'the webhook, statuses, redaction and organizations were not checked: fix the credentials first'));
  }
  results.push(await s.checkStore());
  return results;
}

async function checkCredentials(zendesk: ZendeskApi, results: CheckResult[]): Promise<ZendeskUser | null> {
  try {
    const me = await zendesk.me();
    const who = `${me.name} <${me.email ?? 'no email'}> (user ${me.id}, ${me.role})`;
    if (me.role !== 'agent' && me.role !== 'admin') {
      results.push(fail('credentials', `they work but act as ${who}: certdesk's API user must be an agent (an admin for setup-zendesk)`));
      return null;
    }
    results.push(ok('credentials', `they work and act as ${who}`));
    return me;
  } catch (error) {
    results.push(fail('credentials', `Zendesk refused them: ${reason(error)}`));
    return null;
  }
}

async function checkWebhook(s: DoctorSubject, results: CheckResult[]): Promise<ZendeskWebhook | null> {
  const endpoint = s.webhookEndpoint;
  if (!endpoint) {
    results.push(fail('webhook', 'PUBLIC_URL is not set, so there is no address to compare the webhook with: set it to where Zendesk reaches certdesk'));
    return null;
  }
  let hooks: ZendeskWebhook[];
  try {
    hooks = await s.webhooks.listWebhooks();
  } catch (error) {
    results.push(
      fail(
        'webhook',
        forbidden(error)
          ? "the webhooks API is for admins and certdesk's API user is not one: run doctor once with an admin's credentials to check the webhook"
          : `cannot list webhooks: ${reason(error)}`,
      ),
    );
    return null;
  }
  const webhook = hooks.find((w) => w.endpoint === endpoint);
  if (!webhook) {
    const named = hooks.find((w) => w.name === 'certdesk');
    results.push(
      fail(
        'webhook',
        named
          ? `webhook ${named.id} "certdesk" points at ${named.endpoint}, not ${endpoint}: run "npm run cli -- setup-zendesk" to update it`
          : `no webhook points at ${endpoint}: run "npm run cli -- setup-zendesk" to create it`,
      ),
    );
    return null;
  }
  const problems: string[] = [];
  if (webhook.status !== 'active') problems.push('it is inactive (activate it in Admin Center or run setup-zendesk)');
  if (webhook.subscriptions.includes('conditional_ticket_events')) {
    problems.push('it is connected to triggers, not subscribed to ticket events (delete it and run setup-zendesk)');
  } else {
    const missing = WEBHOOK_SUBSCRIPTIONS.filter((e) => !webhook.subscriptions.includes(e));
    if (missing.length) problems.push(`it is not subscribed to ${missing.join(', ')} (run setup-zendesk)`);
  }
  results.push(
    problems.length
      ? fail('webhook', `webhook ${webhook.id} "${webhook.name}" points at ${endpoint} but ${problems.join('; ')}`)
      : ok('webhook', `webhook ${webhook.id} "${webhook.name}" is active and points at ${endpoint}`),
  );
  return webhook;
}

/** Zendesk's own test call: a request signed with the webhook's secret, checked by certdesk itself. */
async function checkSignature(s: DoctorSubject, webhook: ZendeskWebhook): Promise<CheckResult> {
  try {
    const test = await s.webhooks.testWebhook(webhook.id, webhook.endpoint);
    if (test.responseCode >= 200 && test.responseCode < 300)
      return ok('signature', `certdesk at ${webhook.endpoint} accepted Zendesk's signed test request (${test.responseCode})`);
    // certdesk checks the signature before the body: a 400 saying the body is no ticket event comes
    // after the signature passed (the test call's body is not documented to be a ticket event).
    if (test.responseCode === 400 && /not a Zendesk ticket event|not valid JSON/.test(test.responseBody)) {
      return ok(
        'signature',
        `certdesk at ${webhook.endpoint} accepted Zendesk's signed test request (its body is no ticket event, so certdesk answered 400 after checking the signature)`,
      );
    }
    if (test.responseCode === 401) {
      return fail(
        'signature',
        `certdesk refused the signature of Zendesk's test request: ZENDESK_WEBHOOK_SECRET is not webhook ${webhook.id}'s signing secret (run "npm run cli -- setup-zendesk --rotate" for a new one)`,
      );
    }
    if (test.responseCode === 0)
      return fail(
        'signature',
        `Zendesk got no answer from ${webhook.endpoint} (${test.message || 'no response'}): start certdesk there, reachable from Zendesk, then run doctor again`,
      );
    return fail('signature', `${webhook.endpoint} answered Zendesk's test request with ${test.responseCode}: is certdesk what answers at PUBLIC_URL?`);
  } catch (error) {
    return fail('signature', `Zendesk's webhook test call failed: ${reason(error)}`);
  }
}

function checkStatuses(s: DoctorSubject, settings: ZendeskAccountSettings | Error): CheckResult {
  if (settings instanceof Error) return fail('statuses', `cannot read the account settings: ${reason(settings)}`);
  const table = resolveStatusTable(s.statusOverrides, settings);
  const has = `the account has new, open, pending,${settings.onHold ? ' on-hold,' : ''} solved (On-hold ${settings.onHold ? 'on' : 'off'})`;
  const used = Object.entries(table)
    .map(([state, status]) => `${state}=${status}`)
    .join(', ');
  const missing = statusesUnavailable(table, settings);
  if (missing.length) {
    return fail(
      'statuses',
      `${has}, but ZENDESK_STATUSES puts ${missing.map((m) => m.state).join(', ')} on hold: activate On-hold (Admin Center > Objects and rules > Tickets > Settings) or choose another status`,
    );
  }
  return ok('statuses', `${has}; certdesk sets ${used}`);
}

async function checkAssignee(s: DoctorSubject): Promise<CheckResult> {
  const { assigneeId, groupId } = s.assignee;
  if (assigneeId === undefined) {
    return ok(
      'assignee',
      `ZENDESK_ASSIGNEE_ID is not set: a ticket certdesk solves keeps the agent already assigned; one with none gets an internal note asking an agent to solve it${groupId !== undefined ? ' (ZENDESK_GROUP_ID alone cannot solve a ticket)' : ''}`,
    );
  }
  try {
    const agent = await s.zendesk.getUser(assigneeId);
    if (agent.role !== 'agent' && agent.role !== 'admin')
      return fail('assignee', `ZENDESK_ASSIGNEE_ID ${assigneeId} is ${agent.name}, an ${agent.role}: tickets can only be assigned to agents`);
    return ok(
      'assignee',
      `unassigned tickets certdesk solves are assigned to ${agent.name} (user ${agent.id})${groupId !== undefined ? ` in group ${groupId}` : ''}`,
    );
  } catch (error) {
    return fail('assignee', `ZENDESK_ASSIGNEE_ID ${assigneeId} cannot be read: ${reason(error)}`);
  }
}

function checkRedaction(settings: ZendeskAccountSettings | Error): CheckResult {
  if (settings instanceof Error) return fail('redaction', `cannot tell whether redaction is allowed: ${reason(settings)}`);
  if (settings.agentWorkspace)
    return ok('redaction', 'allowed: Agent Workspace is on, so certdesk can remove a private key a customer posts (comment_redactions)');
  return fail(
    'redaction',
    'comment_redactions is not allowed (Agent Workspace is off): certdesk falls back to the legacy redaction endpoints, which Zendesk refuses on closed tickets, and asks an agent to redact by hand when they refuse too; turn on Agent Workspace, and give the API user the permission to delete/redact',
  );
}

async function checkOrganizations(s: DoctorSubject): Promise<CheckResult> {
  const entries = [...s.registry.values()];
  if (entries.length === 0) return fail('organizations', 'the domain registry is empty: no site can be renewed (DOMAINS_FILE)');
  const problems: string[] = [];
  for (const e of entries) {
    try {
      if (e.organizationId !== undefined) {
        await s.zendesk.getOrganization(e.organizationId);
      } else if (e.organizationName) {
        const found = await s.zendesk.findOrganizationsByName(e.organizationName);
        if (found.length === 0) problems.push(`${e.domain}: no organization is named "${e.organizationName}"`);
        else if (found.length > 1) problems.push(`${e.domain}: ${found.length} organizations are named "${e.organizationName}" (give organizationId)`);
      }
    } catch (error) {
      const missing = error instanceof ZendeskApiError && error.status === 404;
      problems.push(missing ? `${e.domain}: organization ${e.organizationId} does not exist` : `${e.domain}: ${reason(error)}`);
    }
  }
  if (problems.length)
    return fail('organizations', `${problems.length} of ${entries.length} registry entries have no Zendesk organization: ${problems.join('; ')}`);
  return ok('organizations', `all ${entries.length} registry entries name an existing organization`);
}
