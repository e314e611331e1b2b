import tls from 'node:tls';
import { handshake } from '../../adapters/installer/handshake.js';
import { parseAddress } from '../../adapters/installer/parse-address.js';
import type { Look } from '../../core/watch/judge-watch.js';

/** One TLS handshake with SNI = site at one address. Never throws. */
export type LookAtAddress = (site: string, address: string, signal?: AbortSignal) => Promise<Look>;

/**
 * The watch's eyes: the installer's handshake helper, without trust checks (the watch records
 * what is served, valid or not; judging a chain is the installer's business at install time).
 */
export function lookAtAddress(options: { timeoutMs?: number } = {}): LookAtAddress {
  const timeoutMs = options.timeoutMs ?? 5000;
  // One context for every handshake: building one per connection would cost more than the handshake.
  const secureContext = tls.createSecureContext();
  return async (site, address, signal) => {
    const result = await handshake({ address: parseAddress(address), servername: site, secureContext, timeoutMs, ...(signal ? { signal } : {}) });
    if ('error' in result) return { address, error: result.error };
    return {
      address,
      certificate: {
        sha256: result.sha256,
        subject: result.leaf.subject.replace(/\n/g, ', '),
        issuer: result.leaf.issuer.replace(/\n/g, ', '),
        notBefore: new Date(result.leaf.validFrom).toISOString(),
        notAfter: new Date(result.leaf.validTo).toISOString(),
      },
    };
  };
}
