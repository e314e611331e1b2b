import tls from 'node:tls';
import { handshake } from './handshake.js';
import { parseAddress } from './parse-address.js';
import type { LookAtAddress } from '../../ports/served-certificate.js';

/**
 * The watch's eyes (ports/served-certificate.ts): the installer's handshake helper, without trust
 * checks (the watch records what is served, valid or not).
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
