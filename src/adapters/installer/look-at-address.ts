import tls from 'node:tls';
import { handshake } from './handshake.js';
import { parseAddress } from './parse-address.js';
import { describeServed } from './verify-live.js';
import type { LookAtAddress } from '../../ports/served-certificate.js';

/**
 * The watch's eyes (ports/served-certificate.ts): the installer's handshake and its description
 * of the served leaf (verify-live.ts), without trust checks (the watch records what is served,
 * valid or not), plus the leaf's notBefore.
 */
export function lookAtAddress(options: { timeoutMs?: number } = {}): LookAtAddress {
  const timeoutMs = options.timeoutMs ?? 5000;
  // One context for every handshake: building one per connection would cost more than the handshake.
  const secureContext = tls.createSecureContext();
  return async (site, address, signal) => {
    const result = await handshake({ address: parseAddress(address), servername: site, secureContext, timeoutMs, ...(signal ? { signal } : {}) });
    if ('error' in result) return { address, error: result.error };
    return { address, certificate: { ...describeServed(result), notBefore: new Date(result.leaf.validFrom).toISOString() } };
  };
}
