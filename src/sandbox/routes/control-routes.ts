import express, { Router } from 'express';
import { badRequest } from '../api-error.js';
import type { SandboxCdn } from '../cdn-server.js';
import type { FailNextRule, FaultController, FaultSettings } from '../fault-controller.js';
import type { AccountSettings } from '../account-settings.js';
import { parseAccountSettings } from '../parse-account-settings.js';

/**
 * `/sandbox/...`: the sandbox's own controls, for the demo (tests use the objects directly).
 * - `GET /sandbox/faults` — current settings; `PUT` replaces them (JSON `FaultSettings`);
 *   `DELETE` resets to a faithful sandbox; `POST /sandbox/faults/fail-next` adds a `FailNextRule`.
 * - `GET /sandbox/cdn-requests` — what the attachment CDN received (whether credentials came along).
 * - `GET /sandbox/settings` — the account's rules (`AccountSettings`, OAuth client secrets shown as
 *   `(set)`); `PUT` changes the keys it is given (`{"onHold": true}`) and answers the whole
 *   settings; an unknown key or a wrong type is a 400 naming each problem, and then nothing is changed.
 * - `GET /sandbox/stats` — `{"apiCalls": N}`: `/api/v2` calls made by certdesk's API user since start.
 */
export function controlRoutes(
  faults: FaultController,
  cdn: SandboxCdn,
  demo: () => unknown,
  account: { settings: AccountSettings; stats: { apiCalls: number } },
): Router {
  const r = Router();
  r.use(express.json());
  const apply = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      throw badRequest(error instanceof Error ? error.message : String(error), 'InvalidFaultSettings');
    }
  };
  r.get('/faults', (_req, res) => {
    res.json({ faults: faults.current(), injected: Object.fromEntries(faults.injected) });
  });
  r.put('/faults', (req, res) => {
    apply(() => faults.set((req.body ?? {}) as FaultSettings));
    res.json({ faults: faults.current() });
  });
  r.delete('/faults', (_req, res) => {
    faults.reset();
    res.status(204).end();
  });
  r.post('/faults/fail-next', (req, res) => {
    apply(() => faults.failNext((req.body ?? {}) as FailNextRule));
    res.status(201).json({ faults: faults.current() });
  });
  r.get('/cdn-requests', (_req, res) => {
    res.json({
      requests: cdn.requests.map((q) => ({
        method: q.method,
        path: q.path.replace(/\/attachment\/[^/]+/, '/attachment/…'),
        status: q.status,
        had_authorization: q.headers.authorization !== undefined,
      })),
    });
  });
  r.get('/settings', (_req, res) => {
    res.json({ settings: settingsJson(account.settings) });
  });
  r.put('/settings', (req, res) => {
    const parsed = parseAccountSettings(req.body);
    if ('problems' in parsed) throw badRequest(parsed.problems.join('; '), 'InvalidSandboxSettings');
    Object.assign(account.settings, parsed.change);
    res.json({ settings: settingsJson(account.settings) });
  });
  r.get('/stats', (_req, res) => {
    res.json({ apiCalls: account.stats.apiCalls });
  });
  r.get('/demo', (_req, res) => {
    res.json({ demo: demo() });
  });
  return r;
}

/** The settings as shown: OAuth client secrets are never echoed (a PUT sets them). */
function settingsJson(settings: AccountSettings): Record<string, unknown> {
  const clients = Object.fromEntries(
    Object.entries(settings.oauthClients).map(([id, c]) => [id, { secret: '(set)', ...(c.userEmail ? { userEmail: c.userEmail } : {}) }]),
  );
  return { ...settings, oauthClients: clients };
}
