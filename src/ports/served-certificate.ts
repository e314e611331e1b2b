import type { Look } from '../core/watch/judge-watch.js';

/**
 * The expiry watch's eyes (issue 15): one TLS handshake with SNI = `site` at one `host:port`
 * address, reporting the leaf that is served — valid or not, without trust checks (judging a chain
 * is the installer's business at install time). Never throws: a failed handshake, a timeout or an
 * abort is a Look with an `error`. The adapter is adapters/installer/look-at-address.ts.
 */
export type LookAtAddress = (site: string, address: string, signal?: AbortSignal) => Promise<Look>;
