import 'reflect-metadata';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import * as acme from 'acme-client';
import type { Logger } from '../../lib/logger.js';
import { explainAcmeFailure, retryWaitAfter } from '../../core/acme/explain-acme-failure.js';
import { ariCertId } from '../../core/acme/ari-cert-id.js';
import type { RenewalWindow } from '../../core/acme/renewal-time.js';
import type { AcmeIssuer, IssueResult, OrderMemory } from '../../ports/acme.js';
import type { HttpChallengeAnswerer } from './http-challenge-responder.js';
import type { AlpnChallenges } from './tls-alpn-challenges.js';

export type ChallengeType = 'http-01' | 'tls-alpn-01';

export interface AcmeIssuerOptions {
  /** ACME_DIRECTORY_URL. */
  directoryUrl: string;
  /** ACME_EMAIL: the account's contact (expiry and policy mail from the CA). */
  email: string | null;
  /** ACME_EAB_KID + ACME_EAB_HMAC_KEY, for CAs that require External Account Binding. */
  eab: { kid: string; hmacKey: string } | null;
  /** The account key (PEM, decrypted from the key vault: account-key.ts; read from the store, so possibly async). */
  accountKeyPem: () => string | Promise<string>;
  /** EXTRA_CA_FILE: anchors trusted for the directory's HTTPS besides Node's store (a private ACME CA, pebble). */
  trustedCasPem: readonly string[];
  /** How challenges are answered; the first type both sides support wins, in this order. */
  http?: HttpChallengeAnswerer;
  alpn?: AlpnChallenges;
  preferred?: readonly ChallengeType[];
  /** Whole orders tried per `issue` when the failure is one a retry can absorb. Default 3. */
  attempts?: number;
  /** Polling of pending challenges and orders (acme-client's backoff). Default 250 ms … 4 s. */
  pollMs?: { min: number; max: number };
  logger: Logger;
}

/**
 * The ACME issuer (ports/acme.ts) on acme-client: registers (or finds) certdesk's account, orders a
 * certificate for one site with the renewal's own CSR, answers the challenge (HTTP-01 through
 * certdesk's responder or nginx's webroot, TLS-ALPN-01 through the TLS front), and returns the PEM
 * chain.
 *
 * Failures come back as `{ ok: false }` in the customer's terms (explain-acme-failure.ts).
 * acme-client retries a rejected nonce itself (5 times); a whole order that still fails for a
 * reason a retry can absorb (the CA's random rejections, a 5xx, a dropped connection) is tried
 * again, `attempts` times in all.
 */
export function createAcmeIssuer(options: AcmeIssuerOptions): AcmeIssuer {
  const { directoryUrl, logger } = options;
  const origin = new URL(directoryUrl).origin;
  const agent = new Agent({ ca: [...rootCertificates, ...options.trustedCasPem], keepAlive: true });
  // acme-client has one axios instance: give it our trust for our directory's origin only.
  acme.axios.interceptors.request.use((config) => {
    if (config.url?.startsWith(origin)) config.httpsAgent = agent;
    return config;
  });
  const preferred = options.preferred ?? (['http-01', 'tls-alpn-01'] as const).filter((t) => (t === 'http-01' ? options.http : options.alpn));
  const attempts = options.attempts ?? 3;
  let client: Promise<acme.Client> | null = null;
  let registered = false;
  /**
   * The CA's answers per ARI certificate id, kept until its Retry-After (RFC 9773 §4.3): the
   * proactive pass asks for every acme site every 15 minutes, which must not become a request per
   * site per pass to the CA. A 5xx or a dropped connection is not kept.
   */
  const ariAnswers = new Map<string, { window: RenewalWindow | null; until: number }>();

  // Made once, with the account key read from the store; a failed read is tried again next time.
  const makeClient = async () =>
    new acme.Client({
      directoryUrl,
      accountKey: await options.accountKeyPem(),
      ...(options.eab ? { externalAccountBinding: options.eab } : {}),
      backoffAttempts: 40,
      backoffMin: options.pollMs?.min ?? 250,
      backoffMax: options.pollMs?.max ?? 4000,
    });
  const getClient = () =>
    (client ??= makeClient().catch((error: unknown) => {
      client = null;
      throw error;
    }));

  const directory = async (): Promise<Record<string, unknown>> => (await acme.axios.get(directoryUrl, { httpsAgent: agent })).data as Record<string, unknown>;

  async function orderOnce(site: string, csrPem: string, signal?: AbortSignal, memory?: OrderMemory): Promise<IssueResult> {
    const c = await getClient();
    if (!registered) {
      // newAccount (RFC 8555 §7.3) answers 201 for a new key and 200 for a known one; either way the
      // client learns the account URL. acme-client's createAccount follows a 200 with an account
      // update, which CAs refuse when there is nothing to change (pebble: "empty update") — so a
      // restarted certdesk without ACME_EMAIL could not order. Its API call alone (5.4.0, pinned).
      await (c as unknown as { api: { createAccount(data: object): Promise<unknown> } }).api.createAccount({
        termsOfServiceAgreed: true,
        ...(options.email ? { contact: [`mailto:${options.email}`] } : {}),
      });
      registered = true;
    }
    let order = memory?.url ? await resumable(c, memory.url, site) : null;
    if (!order) {
      order = await c.createOrder({ identifiers: [{ type: 'dns', value: site }] });
      await memory?.placed(order.url);
    }
    // Finalized before the earlier attempt stopped: the certificate is only downloaded, never ordered again.
    if (order.status === 'valid' || order.status === 'processing') return { ok: true, fullchainPem: await c.getCertificate(order) };
    for (const authz of await c.getAuthorizations(order)) {
      if (authz.status === 'valid') continue;
      const challenge = preferred.map((t) => authz.challenges.find((ch) => ch.type === t)).find(Boolean);
      if (!challenge)
        return {
          ok: false,
          failure: {
            kind: 'ca_error',
            retryable: false,
            message: `The certificate authority offers no challenge certdesk can answer for ${site} (it offers ${authz.challenges.map((ch) => ch.type).join(', ')}).`,
          },
        };
      signal?.throwIfAborted();
      const keyAuthorization = await c.getChallengeKeyAuthorization(challenge);
      await publish(challenge, site, keyAuthorization);
      try {
        await c.completeChallenge(challenge);
        await c.waitForValidStatus(challenge);
      } catch (error) {
        // acme-client keeps only the detail; the authorization says which problem type it was.
        const problem = await challengeProblem(c, order, site).catch(() => null);
        return { ok: false, failure: explainAcmeFailure(site, problem ?? { detail: (error as Error).message }) };
      } finally {
        await unpublish(challenge, site).catch(() => undefined);
      }
    }
    signal?.throwIfAborted();
    const finalized = await c.finalizeOrder(order, csrPem);
    return { ok: true, fullchainPem: await c.getCertificate(finalized) };
  }

  async function publish(challenge: { type: string; token: string }, site: string, keyAuthorization: string): Promise<void> {
    if (challenge.type === 'http-01') await options.http!.put(challenge.token, keyAuthorization);
    else await options.alpn!.put(site, keyAuthorization);
  }
  async function unpublish(challenge: { type: string; token: string }, site: string): Promise<void> {
    if (challenge.type === 'http-01') await options.http!.remove(challenge.token);
    else options.alpn!.remove(site);
  }

  return {
    directoryUrl,
    async issue({ site, csrPem, signal, order }) {
      let last: IssueResult | null = null;
      // Every attempt takes up the latest order while it is still usable (a dropped connection);
      // one that failed validation is invalid, and the next attempt places a new one.
      let url = order?.url ?? null;
      const memory: OrderMemory = {
        get url() {
          return url;
        },
        async placed(placedUrl) {
          url = placedUrl;
          await order?.placed(placedUrl);
        },
      };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          last = await orderOnce(site, csrPem, signal, memory);
        } catch (error) {
          if (signal?.aborted) throw error;
          last = { ok: false, failure: explainAcmeFailure(site, { detail: (error as Error).message }) };
        }
        // A failure that cost a validation is not tried again at once: the CA counts failed
        // validations per hostname (retryWaitAfter); the job retries it later.
        if (last.ok || !last.failure.retryable || last.failure.kind === 'rate_limited' || retryWaitAfter(last.failure) !== undefined) return last;
        logger.info({ site, attempt, kind: last.failure.kind }, 'acme: order failed; trying a new one');
      }
      return last!;
    },
    async caaIdentities() {
      const meta = (await directory()).meta as { caaIdentities?: unknown } | undefined;
      return Array.isArray(meta?.caaIdentities) ? meta.caaIdentities.filter((d): d is string => typeof d === 'string') : [];
    },
    async renewalInfo(certificatePem) {
      const id = ariCertId(certificatePem);
      const known = ariAnswers.get(id);
      if (known && known.until > Date.now()) return known.window;
      const base = (await directory()).renewalInfo;
      let window: RenewalWindow | null = null;
      let retryAfter: string | undefined;
      if (typeof base === 'string') {
        const response = await acme.axios.get(`${base.replace(/\/$/, '')}/${id}`, { httpsAgent: agent, validateStatus: () => true });
        const suggested = (response.data as { suggestedWindow?: { start?: unknown; end?: unknown } } | null)?.suggestedWindow;
        if (response.status >= 500) return null;
        if (response.status === 200 && typeof suggested?.start === 'string' && typeof suggested.end === 'string')
          window = { start: suggested.start, end: suggested.end };
        retryAfter = response.headers['retry-after'] as string | undefined;
      }
      if (ariAnswers.size >= 10_000) for (const [key, answer] of ariAnswers) if (answer.until <= Date.now()) ariAnswers.delete(key);
      ariAnswers.set(id, { window, until: Date.now() + ariPollMs(retryAfter) });
      return window;
    },
  };
}

/** How long an ARI answer is kept: its Retry-After in seconds, within 1 minute … 1 day; 6 hours without one (Let's Encrypt's). */
function ariPollMs(retryAfter: string | undefined): number {
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : 6 * 3600;
  return Math.min(Math.max(seconds, 60), 86_400) * 1000;
}

/**
 * The remembered order, when it can still give this site its certificate: for this name only, and
 * neither invalid nor expired (those get a new order). A CA that no longer knows it: null.
 */
async function resumable(c: acme.Client, url: string, site: string): Promise<acme.Order | null> {
  const order = await c.getOrder({ url } as acme.Order).catch(() => null);
  if (!order || order.status === 'invalid') return null;
  if (order.identifiers.length !== 1 || order.identifiers[0]!.value !== site) return null;
  if (order.status !== 'valid' && order.expires && Date.parse(order.expires) <= Date.now()) return null;
  return order;
}

async function challengeProblem(c: acme.Client, order: acme.Order, site: string): Promise<{ type?: string; detail?: string } | null> {
  for (const authz of await c.getAuthorizations(order)) {
    if (authz.identifier.value !== site) continue;
    for (const ch of authz.challenges) {
      const error = (ch as { error?: { type?: string; detail?: string } }).error;
      if (error) return error;
    }
  }
  return null;
}
