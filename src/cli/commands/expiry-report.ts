import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';
import { openCliStore, readCliConfig } from './read-cli-config.js';
import { loadDomainsFile } from '../../adapters/registry/load-domains-file.js';
import type { DomainRegistry, RegistryEntry } from '../../core/registry/domain-registry.js';
import { describeDrift, type SiteExpiry } from '../../core/watch/site-expiry.js';
import { gatherSiteExpiries } from '../../jobs/watch/gather-site-expiries.js';
import { ConfigError } from '../../lib/errors.js';

const USAGE = `Usage: certdesk expiry-report [--json] [--at ISO]

Every registry site as the expiry watch last saw it: the served certificate's expiry and days
left, who installed it (certdesk, or unknown: by hand or by another tool), drift (the server serves
something other than what certdesk installed, or the handshake failed), and the site's latest
renewal ticket and state. Read from certdesk's store (DATABASE_URL, else DATA_DIR's database);
certdesk may be running meanwhile.

  --json   one object per site: site, expiresAt, daysLeft, installedBy, drift, error, issuer,
           sha256, checkedAt, renewalState, ticketId, optOut (null where nothing is known)
  --at ISO count days left from this moment (e.g. 2027-01-15T00:00:00Z) instead of now

Reads the same environment as certdesk: DATABASE_URL or DATA_DIR, and DOMAINS_FILE for the registry (in sandbox
mode without DOMAINS_FILE, the sites the watch looked at).
Exit codes: 0 every site watched serves its certificate without drift, 1 some site drifts or has
expired, 2 usage or configuration error.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { json: { type: 'boolean' }, at: { type: 'string' } }, allowPositionals: false });
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--at must be an ISO 8601 date and time, e.g. 2027-01-15T00:00:00Z (got "${values.at}")`);
  const config = readCliConfig(io);
  let fileRegistry: DomainRegistry | null = null;
  if (config.validation.domainsFile) {
    try {
      fileRegistry = loadDomainsFile(config.validation.domainsFile);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.problems.join('\n'));
      throw error;
    }
  }
  const store = await openCliStore(config);
  try {
    const registry = fileRegistry ?? new Map<string, RegistryEntry>((await store.watch.list()).map((w) => [w.site, { domain: w.site, contacts: [] }]));
    const rows = await gatherSiteExpiries(store, registry, at);
    if (values.json) io.stdout(JSON.stringify(rows, null, 2) + '\n');
    else io.stdout(renderTable(rows));
    return rows.some((r) => (r.drift !== null && r.drift !== 'none') || (r.daysLeft !== null && r.daysLeft < 0)) ? EXIT.rejected : EXIT.ok;
  } finally {
    await store.close();
  }
}

function renderTable(rows: SiteExpiry[]): string {
  if (rows.length === 0) return 'The domain registry is empty.\n';
  // Drift can be a long sentence (why a handshake failed): it is the last column, unpadded.
  const header = ['site', 'expires', 'days left', 'installed by', 'renewal', 'drift'];
  const lines = rows.map((r) => [
    r.site + (r.optOut ? ' (opted out)' : ''),
    r.expiresAt?.slice(0, 10) ?? 'unknown',
    r.daysLeft === null ? '-' : String(r.daysLeft),
    r.installedBy ?? '-',
    r.ticketId === null ? 'none' : `#${r.ticketId} ${r.renewalState}`,
    describeDrift(r.drift, r.error),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...lines.map(line)].join('\n') + '\n';
}

export const expiryReportCommand: CliCommand = {
  name: 'expiry-report',
  usage: USAGE,
  run,
};
