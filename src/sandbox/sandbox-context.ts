import type { Request, Response } from 'express';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { AccountSettings } from './account-settings.js';
import { forbidden } from './api-error.js';
import type { FaultController } from './fault-controller.js';
import type { User } from './store/sandbox-records.js';
import type { SandboxStore } from './store/sandbox-store.js';
import type { EventContext, TicketEventPayload } from './ticket-events.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import type { WebhookStore } from './store/webhook-store.js';

/** Everything the sandbox's routes share. */
export interface SandboxContext {
  store: SandboxStore;
  webhooks: WebhookStore;
  dispatcher: WebhookDispatcher;
  faults: FaultController;
  /** The account's rules (mutable at run time: `PUT /sandbox/settings`). */
  account: AccountSettings;
  /** `/api/v2` calls made by certdesk's API user since start (`GET /sandbox/stats`). */
  stats: { apiCalls: number };
  clock: Clock;
  logger: Logger;
  accountId: number;
  apiUserEmail: string;
  /** Secret for webhooks created without one (ZENDESK_WEBHOOK_SECRET); generated per webhook when unset. */
  webhookSecret?: string;
  /** The API origin (`http://127.0.0.1:PORT`), known once listening. */
  origin(): string;
  /** Where the CDN serves a file (a signed URL on the other origin). */
  cdnUrlFor(fileToken: string, fileName: string): string;
}

/** The authenticated caller of an API request. */
export function caller(res: Response): User {
  return res.locals.user as User;
}

/** The caller of an endpoint Zendesk opens to agents (and admins) only; an end user gets a 403. */
export function agentCaller(res: Response): User {
  const user = caller(res);
  if (user.role === 'end-user') throw forbidden();
  return user;
}

/** Events are delivered after the response is sent, never inside the request. */
export function emit(res: Response, events: TicketEventPayload[]): void {
  (res.locals.events as TicketEventPayload[]).push(...events);
}

export function eventContext(ctx: SandboxContext): EventContext {
  return { accountId: ctx.accountId, origin: ctx.origin(), now: ctx.clock.now(), userById: (id) => ctx.store.users.get(id) };
}

/** A query-string parameter given once, as text (`undefined` when absent or repeated). */
export function queryString(req: Request, key: string): string | undefined {
  const v = req.query[key];
  return typeof v === 'string' ? v : undefined;
}

/** A numeric path parameter, or a Zendesk 404. */
export function idParam(req: Request, name: string): number {
  const v = req.params[name];
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : -1;
}
