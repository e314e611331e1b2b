/**
 * certdesk in sandbox mode, driven over HTTP the way people use it: customers and agents call the
 * sandbox's Zendesk API, the sandbox delivers signed webhooks to certdesk, certdesk's worker acts
 * through its real Zendesk client. Nothing is mocked.
 *
 *   const h = await startRenewalHarness();
 *   const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM });
 *   await h.settle();
 *   expect((await h.ticket(id)).tags).toContain('cert_renewal_csr_sent');
 */
import { startTestService, type TestService } from './service.js';
import type { ServiceOptions } from '../../src/wiring/service.js';
import type { DemoData } from '../../src/sandbox/start-sandbox.js';
import { join } from 'node:path';
import { apiUserAuthorization } from './sandbox.js';
import { scanDatabase, scanPostgresDatabase, type KeyMaterial } from './scan-for-keys.js';

export interface SandboxComment {
  id: number;
  author_id: number;
  body: string;
  html_body: string;
  public: boolean;
  attachments: { id: number; file_name: string; content_url: string; content_type: string; size: number }[];
}

export interface RenewalHarness {
  svc: TestService;
  demo: DemoData;
  /** A Zendesk API call as `as` (an email; default certdesk's API user). Throws on a non-2xx answer. */
  api<T = any>(method: string, path: string, options?: { as?: string; body?: unknown }): Promise<T>;
  /** Opens a ticket as the demo customer (priority low unless given). Returns its id. */
  openTicket(input: { subject: string; body?: string; htmlBody?: string; priority?: string; as?: string; tags?: string[] }): Promise<number>;
  /** A public reply on the ticket as `as` (default the demo customer). */
  reply(ticketId: number, body: string, options?: { as?: string; uploads?: string[]; public?: boolean }): Promise<void>;
  /** Uploads a file as `as` (default the demo customer) and returns its token. */
  upload(name: string, data: Buffer | string, contentType?: string, as?: string): Promise<string>;
  addTags(ticketId: number, tags: string[], as?: string): Promise<void>;
  ticket(ticketId: number): Promise<{ id: number; status: string; tags: string[]; organization_id: number | null }>;
  comments(ticketId: number): Promise<SandboxComment[]>;
  /** Comments written by certdesk's API user. */
  certdeskComments(ticketId: number): Promise<SandboxComment[]>;
  /** Waits until webhooks are delivered and certdesk has no job left to run. */
  settle(): Promise<void>;
  /** Where `material` appears in certdesk's database, every column of every row (SQLite file or PostgreSQL). */
  scanDatabase(material: KeyMaterial): Promise<string[]>;
  stop(): Promise<void>;
}

export const FORM = (site: string, extra: { ou?: string; country?: string } = {}) =>
  [
    'Hello, please renew our certificate.',
    '',
    `• Site URL (e.g. my.example.com): ${site}`,
    `• Country Name (2 letter code, e.g. GB, CH, BE, NL): ${extra.country ?? 'GB'}`,
    '• State or Province Name (full name): Greater London',
    '• Locality Name (city): London',
    '• Organization Full Name (e.g., Your Company Ltd): Northwind Traders Ltd',
    `• Organizational Unit Name (could be your department): ${extra.ou ?? ''}`,
    '• Your email address: pat.lee@northwind-traders.example',
  ].join('\n');

export async function startRenewalHarness(env: Record<string, string> = {}, options: Partial<ServiceOptions> = {}): Promise<RenewalHarness> {
  const svc = await startTestService(env, { worker: { leaseMs: 5000, pollMs: 50 }, ...options });
  const sandbox = svc.sandbox!;
  const demo = sandbox.demo!;
  const auth = (email: string) => `Basic ${Buffer.from(`${email}/token:x`).toString('base64')}`;
  const api = async (method: string, path: string, o: { as?: string; body?: unknown; raw?: Buffer; contentType?: string } = {}) => {
    const as = o.as ?? sandbox.apiUser.email;
    // certdesk's API user signs in with certdesk's OAuth client, as certdesk itself does (a token
    // revoked meanwhile, e.g. by a test changing the client's secret, is replaced once).
    const isApiUser = as.toLowerCase() === sandbox.apiUser.email.toLowerCase();
    const send = async (fresh: boolean) =>
      fetch(new URL(path, sandbox.url), {
        method,
        headers: {
          authorization: isApiUser ? await apiUserAuthorization(sandbox, fresh) : auth(as),
          accept: 'application/json',
          ...(o.body !== undefined || o.raw ? { 'content-type': o.contentType ?? 'application/json' } : {}),
        },
        ...(o.raw ? { body: o.raw } : o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      });
    let res = await send(false);
    if (res.status === 401 && isApiUser) res = await send(true);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const comments = async (id: number): Promise<SandboxComment[]> => (await api('GET', `/api/v2/tickets/${id}/comments?page[size]=100`)).comments;
  const h: RenewalHarness = {
    svc,
    demo,
    api,
    async openTicket(input) {
      const as = input.as ?? demo.customer.email;
      const body = await api('POST', '/api/v2/tickets', {
        as,
        body: {
          ticket: {
            subject: input.subject,
            priority: input.priority ?? 'low',
            ...(input.tags ? { tags: input.tags } : {}),
            comment: input.htmlBody ? { html_body: input.htmlBody } : { body: input.body ?? '' },
          },
        },
      });
      return body.ticket.id as number;
    },
    async reply(ticketId, body, o = {}) {
      await api('PUT', `/api/v2/tickets/${ticketId}`, {
        as: o.as ?? demo.customer.email,
        body: { ticket: { comment: { body, public: o.public ?? true, ...(o.uploads ? { uploads: o.uploads } : {}) } } },
      });
    },
    async upload(name, data, contentType = 'application/octet-stream', as) {
      const res = await api('POST', `/api/v2/uploads?filename=${encodeURIComponent(name)}`, {
        as: as ?? demo.customer.email,
        raw: Buffer.from(data),
        contentType,
      });
      return res.upload.token as string;
    },
    async addTags(ticketId, tags, as) {
      await api('PUT', `/api/v2/tickets/${ticketId}/tags`, { as: as ?? demo.agent.email, body: { tags } });
    },
    ticket: async (id) => (await api('GET', `/api/v2/tickets/${id}`)).ticket,
    comments,
    certdeskComments: async (id) => (await comments(id)).filter((c) => c.author_id === sandbox.apiUser.id),
    async settle() {
      // Webhooks cause jobs and jobs cause webhooks: wait until both are quiet twice in a row.
      for (let quiet = 0; quiet < 2; ) {
        await sandbox.webhooksIdle();
        await svc.worker?.idle();
        await new Promise((r) => setTimeout(r, 60));
        const pending = await svc.store.jobs.countByState();
        quiet = pending.queued === 0 && pending.running === 0 ? quiet + 1 : 0;
      }
    },
    async scanDatabase(material) {
      const url = svc.database.env.DATABASE_URL;
      return url ? scanPostgresDatabase(material, url) : scanDatabase(material, join(svc.dataDir, 'certdesk.db'));
    },
    stop: () => svc.stop(),
  };
  return h;
}

/**
 * Ends the renewals still in progress (as installing them would), so that the next test's request
 * for the same demo site starts a renewal of its own: since issue 15 a second ticket for a site
 * whose renewal is in progress is linked to it instead. For tests that share one harness.
 */
export async function endRenewalsInProgress(h: RenewalHarness): Promise<void> {
  for (const r of await h.svc.store.renewals.list()) {
    if (['needs_review', 'awaiting_certificate', 'installing', 'install_failed'].includes(r.state))
      await h.svc.store.renewals.update(r.ticketId, { state: 'installed' }, Date.now());
  }
}
