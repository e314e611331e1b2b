import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { startAgentAppServer } from './agent-app-server.js';
import { systemClock } from '../../../src/lib/clock.js';

const SECRET = 'the-app-shared-secret-0123456789abcdef';
const now = () => Math.floor(Date.now() / 1000);
const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

let h: RenewalHarness;
let api: Awaited<ReturnType<typeof startAgentAppServer>>;
let unconfigured: Awaited<ReturnType<typeof startAgentAppServer>>;
let ticketId: number;
let rsaKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

function hs256(claims: JWTPayload, options: { secret?: string; alg?: string; exp?: number | null } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' });
  if (claims.iat === undefined) jwt.setIssuedAt();
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now() + 300);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

async function call(
  method: 'GET' | 'POST',
  id: number,
  options: { token?: string | null; authorization?: string; body?: string; contentType?: string; origin?: string; base?: string } = {},
) {
  const token = options.token === undefined ? await hs256({ ticket_id: id, user_id: h.demo.agent.id }) : options.token;
  const headers: Record<string, string> = {};
  if (options.authorization) headers.authorization = options.authorization;
  else if (token) headers.authorization = `Bearer ${token}`;
  if (options.origin) headers.origin = options.origin;
  if (method === 'POST') headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${options.base ?? api.url}/api/renewals/${id}${method === 'POST' ? '/actions' : ''}`, {
    method,
    headers,
    ...(method === 'POST' ? { body: options.body ?? '{}' } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as any) : null };
}

beforeAll(async () => {
  h = await startRenewalHarness();
  api = await startAgentAppServer({ api: { store: h.svc.store, zendesk: h.svc.zendesk, sharedSecret: SECRET, clock: systemClock } });
  unconfigured = await startAgentAppServer({ api: { store: h.svc.store, zendesk: h.svc.zendesk, sharedSecret: null, clock: systemClock } });
  ticketId = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain) });
  await h.settle();
  rsaKey = (await generateKeyPair('RS256')).privateKey;
});

afterAll(async () => {
  await unconfigured?.close();
  await api?.close();
  await h?.stop();
});

describe('the agent API accepts only a fresh HS256 token signed with ZAF_SHARED_SECRET for this ticket', () => {
  const cases: { name: string; token: () => Promise<string | null> | string | null; authorization?: string; status: number; message?: RegExp }[] = [
    { name: 'a valid token', token: () => hs256({ ticket_id: ticketId }), status: 200 },
    { name: 'a valid token whose ticket_id is a string', token: () => hs256({ ticket_id: String(ticketId) }), status: 200 },
    { name: 'a token that expired 10 s ago (within the clock skew)', token: () => hs256({ ticket_id: ticketId }, { exp: now() - 10 }), status: 200 },
    { name: 'no Authorization header', token: () => null, status: 401, message: /Authorization: Bearer/ },
    { name: 'Basic credentials', token: () => null, authorization: 'Basic YWdlbnQ6c2VjcmV0', status: 401, message: /Authorization: Bearer/ },
    { name: 'something that is not a JWT', token: () => 'abc.def.ghi', status: 401, message: /not a JWT/ },
    {
      name: 'a forged signature (another secret)',
      token: () => hs256({ ticket_id: ticketId }, { secret: 'not-the-shared-secret' }),
      status: 401,
      message: /signature does not match/,
    },
    {
      name: 'a payload altered after signing',
      token: async () => {
        const [header, , signature] = (await hs256({ ticket_id: ticketId + 1000 })).split('.');
        return `${header}.${b64url({ ticket_id: ticketId, exp: now() + 300 })}.${signature}`;
      },
      status: 401,
      message: /signature does not match/,
    },
    { name: 'an expired token', token: () => hs256({ ticket_id: ticketId }, { exp: now() - 120 }), status: 401, message: /expired/ },
    { name: 'a token without exp', token: () => hs256({ ticket_id: ticketId }, { exp: null }), status: 401, message: /exp claim/ },
    { name: 'a token issued in the future', token: () => hs256({ ticket_id: ticketId, iat: now() + 600 }), status: 401, message: /issued in the future/ },
    { name: 'a token not valid before a future time', token: () => hs256({ ticket_id: ticketId, nbf: now() + 600 }), status: 401, message: /nbf/ },
    {
      name: 'alg "none"',
      token: () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ticket_id: ticketId, exp: now() + 300 })}.`,
      status: 401,
      message: /HS256, not "none"/,
    },
    {
      name: 'an RS256 token',
      token: () =>
        new SignJWT({ ticket_id: ticketId })
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuedAt()
          .setExpirationTime(now() + 300)
          .sign(rsaKey),
      status: 401,
      message: /HS256, not "RS256"/,
    },
    {
      name: 'an RS256 header over an HMAC signature with the shared secret (algorithm confusion)',
      token: async () => {
        const [, payload, signature] = (await hs256({ ticket_id: ticketId })).split('.');
        return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`;
      },
      status: 401,
      message: /HS256, not "RS256"/,
    },
    { name: 'HS512 with the shared secret', token: () => hs256({ ticket_id: ticketId }, { alg: 'HS512' }), status: 401, message: /HS256, not "HS512"/ },
    { name: 'a token without ticket_id', token: () => hs256({ user_id: 5 }), status: 401, message: /no ticket_id claim/ },
    { name: "another ticket's token", token: () => hs256({ ticket_id: ticketId + 1 }), status: 403, message: /for ticket \d+, not ticket \d+/ },
  ];

  it.each(cases)('$name → $status', async (c) => {
    const token = await c.token();
    for (const method of ['GET', 'POST'] as const) {
      const res = await call(method, ticketId, {
        token,
        ...(c.authorization ? { authorization: c.authorization } : {}),
        body: JSON.stringify({ action: 'retry_install' }),
      });
      // A valid POST still meets the workflow's rule (retry_install does not apply here): 409, not 2xx.
      expect(res.status, `${method} ${res.text}`).toBe(method === 'POST' && c.status === 200 ? 409 : c.status);
      if (c.message) expect(res.json.message).toMatch(c.message);
      if (c.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
  });

  it('answers 503 "not configured" when ZAF_SHARED_SECRET is not set', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await call(method, ticketId, { base: unconfigured.url });
      expect(res.status).toBe(503);
      expect(res.json.message).toMatch(/not configured.*ZAF_SHARED_SECRET/);
    }
  });
});

describe('GET /api/renewals/:ticketId', () => {
  it("returns the renewal's view with the CSR and the key's fingerprint, and never key material", async () => {
    const renewal = (await h.svc.store.renewals.get(ticketId))!;
    const key = (await h.svc.store.keys.get(renewal.keyId!))!;
    const res = await call('GET', ticketId);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toMatchObject({
      ticketId,
      state: 'awaiting_certificate',
      stateLabel: 'Awaiting the certificate',
      site: h.demo.registry[0]!.domain,
      csr: { pem: renewal.csrPem, publicKeySha256: key.spkiSha256, fileName: `${h.demo.registry[0]!.domain}.csr` },
      history: [{ from: 'new', to: 'awaiting_certificate', event: 'request_valid' }],
      actions: [
        { action: 'regenerate_csr', available: true },
        { action: 'retry_install', available: false },
      ],
    });
    expect(res.json.fields.map((f: { field: string }) => f.field)).toEqual(['siteUrl', 'organization', 'locality', 'state', 'country', 'email']);
    expect(res.text).not.toMatch(/PRIVATE KEY/);
    for (const secret of [key.ciphertext, key.iv, key.tag]) {
      expect(res.text).not.toContain(secret.toString('base64'));
      expect(res.text).not.toContain(secret.toString('hex'));
    }
    expect(Object.keys(res.json)).not.toContain('keyId');
  });

  it('answers 404 for a ticket certdesk has no renewal for', async () => {
    const res = await call('GET', 999_999);
    expect(res.status).toBe(404);
    expect(res.json.message).toBe('certdesk has no renewal for ticket 999999');
  });
});

describe('POST /api/renewals/:ticketId/actions', () => {
  it.each([
    {
      name: 'an unknown action',
      body: JSON.stringify({ action: 'approve' }),
      status: 400,
      message: /"action" must be one of "regenerate_csr", "retry_install"/,
    },
    { name: 'no action', body: '{}', status: 400, message: /"action" must be one of/ },
    { name: 'malformed JSON', body: '{"action":', status: 400 },
    { name: 'a form body', body: 'action=regenerate_csr', contentType: 'application/x-www-form-urlencoded', status: 415, message: /JSON/ },
    {
      name: 'an action that does not apply in this state',
      body: JSON.stringify({ action: 'retry_install' }),
      status: 409,
      message: /^Retry install applies only when the renewal is install failed; this one is awaiting the certificate\.$/,
    },
  ])('refuses $name with $status', async (c) => {
    const res = await call('POST', ticketId, { body: c.body, ...(c.contentType ? { contentType: c.contentType } : {}) });
    expect(res.status).toBe(c.status);
    if (c.message) expect(res.json.message).toMatch(c.message);
    expect((await h.ticket(ticketId)).tags.filter((t) => t.endsWith('_csr') || t.endsWith('_install'))).toEqual([]);
  });

  it('"regenerate_csr" adds the command tag, answers 202, and the workflow issues a new key and CSR and removes the tag', async () => {
    const before = (await h.svc.store.renewals.get(ticketId))!;
    const res = await call('POST', ticketId, { body: JSON.stringify({ action: 'regenerate_csr' }) });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'accepted', action: 'regenerate_csr', tag: 'cert_renewal_regenerate_csr' });
    expect(res.json.message).toMatch(/new key pair.*tag cert_renewal_regenerate_csr added/);
    await h.settle();
    const after = (await h.svc.store.renewals.get(ticketId))!;
    expect(after.state).toBe('awaiting_certificate');
    expect(after.csrSpkiSha256).not.toBe(before.csrSpkiSha256);
    expect((await h.svc.store.keys.get(before.keyId!))!.retiredAt).not.toBeNull();
    expect((await h.ticket(ticketId)).tags).not.toContain('cert_renewal_regenerate_csr');
    expect((await h.svc.store.audit.forTicket(ticketId)).filter((a) => a.action === 'agent_command_requested')).toMatchObject([
      { actor: `agent:${h.demo.agent.id}`, detail: { command: 'regenerate_csr', tag: 'cert_renewal_regenerate_csr', via: 'agent-app' } },
    ]);
  });

  it('"retry_install" on a renewal whose installation failed adds the tag the workflow acts on', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain) });
    await h.settle();
    // The install stage puts a renewal in install_failed; here it is set directly.
    await h.svc.store.renewals.update(id, { state: 'install_failed' }, Date.now());
    const view = await call('GET', id);
    expect(view.json.actions).toMatchObject([
      { action: 'regenerate_csr', available: true },
      { action: 'retry_install', available: true },
    ]);
    const res = await call('POST', id, { body: JSON.stringify({ action: 'retry_install' }) });
    expect(res.status).toBe(202);
    expect(res.json.tag).toBe('cert_renewal_retry_install');
    await h.settle();
    expect((await h.svc.store.transitions.forTicket(id)).map((t) => [t.from, t.event])).toContainEqual(['install_failed', 'command:retry_install']);
  });
});

describe('CORS for the app origin', () => {
  it.each([
    { origin: 'https://1077817.apps.zdusercontent.com', allowed: true },
    { origin: 'https://evil.example', allowed: false },
    { origin: 'http://1077817.apps.zdusercontent.com', allowed: false },
    { origin: 'https://1077817.apps.zdusercontent.com.evil.example', allowed: false },
  ])('$origin is allowed: $allowed', async ({ origin, allowed }) => {
    const preflight = await fetch(`${api.url}/api/renewals/${ticketId}/actions`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed ? origin : null);
    if (allowed) expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const res = await call('GET', ticketId, { origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed ? origin : null);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });
});
