import { X509Certificate } from 'node:crypto';
import type { InstalledSite, Store } from '../../ports/store.js';
import type { CycleCertificate } from '../../core/proactive/decide-proactive.js';

const FIRST_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * The certificate a site's renewal is about: the one the watch saw served, or the one certdesk
 * installed when that expires later (an install not yet seen by the watch, or drift: the server
 * still serves the old one — an operations problem, not a reason to ask the customer again).
 */
export async function cycleCertificate(store: Store, site: string): Promise<CycleCertificate | null> {
  const [watched, installedRow] = await Promise.all([store.watch.get(site), store.sites.get(site)]);
  const served = watched?.served ?? null;
  const installed = installedCertificate(installedRow);
  if (installed && (!served || Date.parse(installed.notAfter) > Date.parse(served.notAfter))) return installed;
  return served ? { sha256: served.sha256, notBefore: served.notBefore, notAfter: served.notAfter } : null;
}

function installedCertificate(row: InstalledSite | null): CycleCertificate | null {
  const pem = row?.fullchainPem.match(FIRST_PEM)?.[0];
  if (!row || !pem) return null;
  try {
    const leaf = new X509Certificate(pem);
    return { sha256: row.certSha256, notBefore: new Date(leaf.validFrom).toISOString(), notAfter: new Date(leaf.validTo).toISOString() };
  } catch {
    return null;
  }
}
