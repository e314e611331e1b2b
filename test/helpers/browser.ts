/**
 * Headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) and a stand-in for the
 * Zendesk side of a ZAF app: it serves the app's assets as Zendesk would from
 * https://<id>.apps.zdusercontent.com, gives the page its context (ticket id, non-secure settings),
 * and proxies client.request like Zendesk's proxy — domainWhitelist, {{setting.*}} substitution
 * limited to each secure parameter's scopes, and the HS256 JWT signed with the secure setting.
 *
 *   const zaf = await startZafStandIn({ settings: { certdesk_url }, secureSettings: { shared_secret }, publicUrl: certdesk_url });
 *   const browser = await launchChromium();
 *   const sidebar = await openSidebar(browser, zaf, { ticketId: 12 });
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import express from 'express';
import { SignJWT } from 'jose';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { collectAppFiles, withPublicUrl } from '../../scripts/package-app.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'agent-app');
const ZAF_SDK = /^https:\/\/static\.zdassets\.com\/zendesk_app_framework_sdk\/2\.0\/zaf_sdk\.min\.js$/;
const STUB = join(REPO_ROOT, 'test', 'helpers', 'zaf-client-stub.js');

/**
 * Launches Debian's Chromium headless, with the flags this closed network needs (without the
 * background-networking ones Chromium's own connections are refused). playwright-core gives every
 * launch a fresh temporary profile and deletes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under test-artifacts/agent-app/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface ProxiedRequest {
  url: string;
  method: string;
  status: number;
  /** The JWT the proxy signed, if the request asked for one. */
  jwt: string | null;
}

export interface ZafStandIn {
  url: string;
  /** What the page will be told: the ticket it is shown on and the agent using it. */
  setContext(context: { ticketId: number; userId?: number }): void;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

interface Parameter {
  name: string;
  secure?: boolean;
  scopes?: string[];
}

/** Where a value sits in a request, as the parameter scopes name it. */
type Scope = 'url' | 'header' | 'body' | 'jwt_secret_key' | 'jwt_claim';

export async function startZafStandIn(options: {
  settings: Record<string, string>;
  secureSettings: Record<string, string>;
  /** Packaged as with `npm run package-app -- --public-url`: its host joins domainWhitelist. */
  publicUrl?: string;
  appRoot?: string;
}): Promise<ZafStandIn> {
  const appRoot = options.appRoot ?? REPO_ROOT;
  let files = collectAppFiles(appRoot);
  if (options.publicUrl) files = withPublicUrl(files, options.publicUrl);
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as {
    version?: string;
    parameters?: Parameter[];
    domainWhitelist?: string[];
  };
  const parameters = new Map((manifest.parameters ?? []).map((p) => [p.name, p]));
  const whitelist = manifest.domainWhitelist ?? [];
  let context = { ticketId: 0, userId: 1 };
  const requests: ProxiedRequest[] = [];

  const substitute = (value: string, scope: Scope): string =>
    value.replace(/\{\{setting\.([A-Za-z0-9_]+)\}\}/g, (_m, name: string) => {
      const p = parameters.get(name);
      if (!p) throw new ProxyRefusal(`{{setting.${name}}} is not a parameter of the app`);
      if (!p.secure) return options.settings[name] ?? '';
      if (!(p.scopes ?? []).includes(scope))
        throw new ProxyRefusal(`the secure setting ${name} may not be used in the ${scope} (its scopes are ${JSON.stringify(p.scopes ?? [])})`);
      return options.secureSettings[name] ?? '';
    });

  const app = express();
  app.use('/assets', express.static(join(appRoot, 'assets')));
  app.get('/__zaf/context', (_req, res) => {
    const settings = Object.fromEntries(Object.entries(options.settings).filter(([k]) => !parameters.get(k)?.secure));
    res.json({ version: manifest.version, settings, properties: { 'ticket.id': context.ticketId, 'currentUser.id': context.userId } });
  });
  app.post('/__zaf/proxy', express.json({ limit: '1mb' }), async (req, res) => {
    const o = req.body as {
      url: string;
      type?: string;
      headers?: Record<string, string>;
      data?: string;
      contentType?: string;
      secure?: boolean;
      jwt?: { algorithm: string; secret_key: string; expiry?: number; claims?: Record<string, unknown> };
    };
    try {
      const usesSettings = JSON.stringify(o).includes('{{setting.');
      if (usesSettings && !o.secure) throw new ProxyRefusal('settings are substituted only in requests made with secure: true');
      const target = new URL(substitute(o.url, 'url'));
      if (usesSettings && !whitelist.includes(target.host)) throw new ProxyRefusal(`${target.host} is not in the app's domainWhitelist`);
      let jwt: string | null = null;
      if (o.jwt) {
        if (o.jwt.algorithm !== 'HS256') throw new ProxyRefusal(`unsupported JWT algorithm ${o.jwt.algorithm}`);
        const claims = Object.fromEntries(Object.entries(o.jwt.claims ?? {}).map(([k, v]) => [k, typeof v === 'string' ? substitute(v, 'jwt_claim') : v]));
        const now = Math.floor(Date.now() / 1000);
        jwt = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt(now)
          .setExpirationTime(now + (o.jwt.expiry ?? 3600))
          .sign(new TextEncoder().encode(substitute(o.jwt.secret_key, 'jwt_secret_key')));
      }
      const fill = (v: string, scope: Scope) => substitute(v, scope).replace(/\{\{jwt\.token\}\}/g, jwt ?? '');
      const headers = Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k, fill(v, 'header')]));
      if (Object.keys(headers).some((k) => k.includes('_'))) throw new ProxyRefusal('header names with underscores are refused by the proxy');
      const method = (o.type ?? 'GET').toUpperCase();
      const body = o.data === undefined ? undefined : fill(o.data, 'body');
      const answer = await fetch(target, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': o.contentType ?? 'application/x-www-form-urlencoded' } : {}) },
        ...(body !== undefined ? { body } : {}),
      });
      requests.push({ url: target.href, method, status: answer.status, jwt });
      res
        .status(answer.status)
        .type(answer.headers.get('content-type') ?? 'text/plain')
        .send(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      if (!(error instanceof ProxyRefusal)) throw error;
      res.status(403).json({ error: 'proxy_refused', message: error.message });
    }
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setContext: (c) => {
      context = { userId: 1, ...c };
    },
    requests,
    close: () => closeServer(server),
  };
}

class ProxyRefusal extends Error {}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Requests the page tried to make anywhere but loopback and the ZAF SDK (all refused). */
  blocked: string[];
  consoleErrors: string[];
}

/** A fresh browser context whose only way out is loopback, with the ZAF SDK replaced by the stand-in. */
export async function newIsolatedPage(browser: Browser, viewport = { width: 360, height: 900 }): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  const blocked: string[] = [];
  const consoleErrors: string[] = [];
  await context.route(
    (url) => !['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'blob:' && url.protocol !== 'data:',
    (route) => {
      const url = route.request().url();
      if (ZAF_SDK.test(url)) return route.fulfill({ path: STUB, contentType: 'text/javascript; charset=utf-8' });
      blocked.push(url);
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return { page, context, blocked, consoleErrors };
}

/** Opens the app's ticket_sidebar location for `ticketId`, as Zendesk would load it. */
export async function openSidebar(browser: Browser, zaf: ZafStandIn, ticket: { ticketId: number; userId?: number }): Promise<OpenedPage> {
  zaf.setContext(ticket);
  const opened = await newIsolatedPage(browser);
  await opened.page.goto(`${zaf.url}/assets/iframe.html?origin=${encodeURIComponent('https://example.zendesk.com')}&app_guid=test-app`);
  return opened;
}
