/**
 * The registry of existing branded my.domains and who owns them (DESIGN §3 "Domain registry").
 * `organizationId` wins over `organizationName` when both are given; a name is resolved to a
 * Zendesk organization when an event is handled, not at start-up. Pure.
 */

export interface RegistryEntry {
  domain: string;
  organizationId?: number;
  organizationName?: string;
  contacts: string[];
  /**
   * Where the expiry watch looks (host:port, one per server when several serve the site); absent:
   * INSTALL_VERIFY_ADDR, or the TLS front.
   */
  address?: string[];
  /** Days before expiry at which the proactive renewal opens (overrides RENEWAL_LEAD_TIME_DAYS). */
  leadTimeDays?: number;
  /** True: certdesk watches the site but never opens a renewal for it by itself. */
  optOut?: boolean;
  /**
   * Who gets the certificate (issue 20): `customer` buys it (the default, today's flow); `acme`:
   * certdesk orders it from the ACME CA itself; `offer`: the CSR comment offers the customer to
   * reply "automatic" for that.
   */
  issuance?: Issuance;
}

export type Issuance = 'customer' | 'acme' | 'offer';
const ISSUANCES: readonly Issuance[] = ['customer', 'acme', 'offer'];

/** The longest lead time accepted: a publicly-trusted certificate lives at most 200 days (SC-081). */
export const MAX_LEAD_TIME_DAYS = 199;

export type DomainRegistry = ReadonlyMap<string, RegistryEntry>;

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Validates a parsed DOMAINS_FILE. Returns the registry, or the list of problems (one sentence each,
 * naming the entry) so start-up can refuse a broken file instead of mis-classifying tickets.
 */
export function parseDomainRegistry(json: unknown): { registry: DomainRegistry; problems: string[] } {
  const problems: string[] = [];
  const registry = new Map<string, RegistryEntry>();
  if (!Array.isArray(json))
    return { registry, problems: ['the domain registry must be a JSON array of { "domain", "organizationId" | "organizationName", "contacts" } entries'] };
  json.forEach((raw: unknown, i) => {
    const where = `entry ${i + 1}`;
    if (raw === null || typeof raw !== 'object') {
      problems.push(`${where} is not an object`);
      return;
    }
    const e = raw as Record<string, unknown>;
    const domain = typeof e.domain === 'string' ? e.domain.trim().toLowerCase().replace(/\.$/, '') : '';
    if (!HOST.test(domain) || !domain.startsWith('my.')) {
      problems.push(`${where}: "domain" must be a host name beginning with "my." (got ${JSON.stringify(e.domain)})`);
      return;
    }
    const id = e.organizationId;
    const name = typeof e.organizationName === 'string' ? e.organizationName.trim() : undefined;
    const validId = typeof id === 'number' && Number.isSafeInteger(id) && id > 0;
    if (id !== undefined && !validId) problems.push(`${where} (${domain}): "organizationId" must be a positive whole number`);
    if (!validId && !name) problems.push(`${where} (${domain}): give "organizationId" or "organizationName" (the Zendesk organization that owns the site)`);
    const contacts = Array.isArray(e.contacts) ? e.contacts.filter((c): c is string => typeof c === 'string' && EMAIL.test(c)) : [];
    if (e.contacts !== undefined && (!Array.isArray(e.contacts) || contacts.length !== e.contacts.length)) {
      problems.push(`${where} (${domain}): "contacts" must be a list of email addresses`);
    }
    if (registry.has(domain)) problems.push(`${where}: ${domain} is listed twice`);
    const watch = parseWatchFields(e, `${where} (${domain})`, problems);
    if (e.issuance !== undefined && !ISSUANCES.includes(e.issuance as Issuance)) {
      problems.push(`${where} (${domain}): "issuance" must be "customer", "acme" or "offer" (got ${JSON.stringify(e.issuance)})`);
    }
    const issuance = ISSUANCES.includes(e.issuance as Issuance) && e.issuance !== 'customer' ? { issuance: e.issuance as Issuance } : {};
    registry.set(domain, { domain, ...(validId ? { organizationId: id } : {}), ...(name ? { organizationName: name } : {}), contacts, ...watch, ...issuance });
  });
  return { registry, problems };
}

const ADDRESS = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** The optional fields of proactive renewals: `address`, `leadTimeDays`, `optOut`. */
function parseWatchFields(e: Record<string, unknown>, where: string, problems: string[]): Pick<RegistryEntry, 'address' | 'leadTimeDays' | 'optOut'> {
  const out: Pick<RegistryEntry, 'address' | 'leadTimeDays' | 'optOut'> = {};
  if (e.address !== undefined) {
    const list = typeof e.address === 'string' ? [e.address] : e.address;
    const valid = (a: unknown): a is string => {
      const port = typeof a === 'string' ? Number(ADDRESS.exec(a.trim())?.[1]) : NaN;
      return port >= 1 && port <= 65535;
    };
    if (!Array.isArray(list) || list.length === 0 || !list.every(valid)) {
      problems.push(
        `${where}: "address" must be host:port (e.g. "10.0.0.5:443" or "[2001:db8::1]:443") or a non-empty list of them (got ${JSON.stringify(e.address)})`,
      );
    } else {
      out.address = [...new Set(list.map((a) => a.trim()))];
    }
  }
  if (e.leadTimeDays !== undefined) {
    const d = e.leadTimeDays;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > MAX_LEAD_TIME_DAYS) {
      problems.push(`${where}: "leadTimeDays" must be a whole number of days between 1 and ${MAX_LEAD_TIME_DAYS} (got ${JSON.stringify(d)})`);
    } else {
      out.leadTimeDays = d;
    }
  }
  if (e.optOut !== undefined) {
    if (typeof e.optOut !== 'boolean') problems.push(`${where}: "optOut" must be true or false (got ${JSON.stringify(e.optOut)})`);
    else if (e.optOut) out.optOut = true;
  }
  return out;
}

export function lookupSite(registry: DomainRegistry, site: string): RegistryEntry | null {
  return registry.get(site.toLowerCase()) ?? null;
}

export type Ownership =
  | { verdict: 'owner'; ownerOrganizationId: number }
  | { verdict: 'not_owner'; reason: string; ownerOrganizationIds: number[] }
  | { verdict: 'unknown_site' };

/**
 * Does the ticket's organization own the site? `resolvedIds` are the Zendesk organizations the
 * entry's name resolved to (ignored when the entry has an id).
 */
export function checkOwnership(entry: RegistryEntry | null, ticketOrganizationId: number | null, resolvedIds: number[] = []): Ownership {
  if (!entry) return { verdict: 'unknown_site' };
  const owners = entry.organizationId !== undefined ? [entry.organizationId] : resolvedIds;
  if (owners.length === 0) {
    return {
      verdict: 'not_owner',
      ownerOrganizationIds: [],
      reason: `the registry names "${entry.organizationName}" as the owner of ${entry.domain}, but no Zendesk organization has that name`,
    };
  }
  if (ticketOrganizationId === null) {
    return {
      verdict: 'not_owner',
      ownerOrganizationIds: owners,
      reason: `the ticket has no organization (the requester belongs to none), and ${entry.domain} belongs to organization ${owners.join(' / ')}`,
    };
  }
  if (owners.length > 1 && entry.organizationId === undefined && owners.includes(ticketOrganizationId)) {
    return {
      verdict: 'not_owner',
      ownerOrganizationIds: owners,
      reason: `several Zendesk organizations are named "${entry.organizationName}"; give the owner of ${entry.domain} by organizationId in the registry`,
    };
  }
  if (owners.includes(ticketOrganizationId)) return { verdict: 'owner', ownerOrganizationId: ticketOrganizationId };
  return {
    verdict: 'not_owner',
    ownerOrganizationIds: owners,
    reason: `${entry.domain} belongs to organization ${owners.join(' / ')}, but the ticket's organization is ${ticketOrganizationId}`,
  };
}
