import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './is-public-address.js';

export interface AiaFetcherOptions {
  /** Whole download (lookup, redirects, body). Default 5 s. */
  timeoutMs?: number;
  /** Larger responses are abandoned. Default 256 KiB (an issuer certificate is 1–2 KiB). */
  maxBytes?: number;
  /** Default 3. Each redirect target is checked like the first URL. */
  maxRedirects?: number;
  /** Allow private, loopback and link-local addresses. Tests only. */
  allowPrivate?: boolean;
  /** Which resolved addresses may be contacted; default: public ones (see isPublicAddress), or any with allowPrivate. */
  isAllowedAddress?: (address: string) => boolean;
  /** Resolves a host name to addresses; defaults to the system resolver. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
  /** Told why a download gave nothing (for logs; never includes response bodies). */
  onError?: (message: string) => void;
}

/**
 * The real `fetchIssuer` for checkBundle's AIA repair: GETs an http(s) caIssuers URL and returns
 * the body, or null on any failure. Guarded against SSRF: only http/https; the host is resolved
 * first and refused if any address is not public (unless `allowPrivate`); the connection goes to
 * that vetted address (no second lookup to rebind); redirects are re-checked the same way. Short
 * timeout and a size cap. Never throws.
 */
export function createAiaFetcher(options: AiaFetcherOptions = {}): (url: string) => Promise<Buffer | null> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const maxRedirects = options.maxRedirects ?? 3;
  const resolve = options.resolve ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));
  const report = options.onError ?? (() => {});
  const allowed = options.isAllowedAddress ?? (options.allowPrivate ? () => true : isPublicAddress);

  return async (url) => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      let target = url;
      for (let hop = 0; hop <= maxRedirects; hop++) {
        const result = await fetchOnce(target, abort.signal);
        if (typeof result === 'string') {
          report(`AIA ${target}: ${result}`);
          return null;
        }
        if ('redirect' in result) {
          target = result.redirect;
          continue;
        }
        return result.body;
      }
      report(`AIA ${url}: more than ${maxRedirects} redirects`);
      return null;
    } catch (error) {
      report(`AIA ${url}: ${abort.signal.aborted ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error)}`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  };

  /** One request: the body, a redirect to follow, or why it failed. */
  async function fetchOnce(url: string, signal: AbortSignal): Promise<{ body: Buffer } | { redirect: string } | string> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a valid URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `scheme ${parsed.protocol} is not allowed`;
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
    if (addresses.length === 0) return 'host does not resolve';
    if (!addresses.every((a) => allowed(a.address))) return `host ${host} resolves to a non-public address`;
    const pinned = addresses[0]!;
    const lookup: LookupFunction = (_hostname, opts, callback) => {
      if (opts.all) callback(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const client = parsed.protocol === 'https:' ? https : http;
    return new Promise((done, fail) => {
      const request = client.get(
        parsed,
        { lookup, signal, headers: { accept: 'application/pkix-cert, application/pkcs7-mime, */*', 'user-agent': 'certdesk-aia' } },
        (response) => {
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          if (status >= 300 && status < 400 && location) {
            response.resume();
            try {
              done({ redirect: new URL(location, parsed).toString() });
            } catch {
              done('redirect to an invalid URL');
            }
            return;
          }
          if (status < 200 || status >= 300) {
            response.resume();
            done(`HTTP ${status}`);
            return;
          }
          if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
            response.destroy();
            done(`response larger than ${maxBytes} bytes`);
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              response.destroy();
              done(`response larger than ${maxBytes} bytes`);
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => done({ body: Buffer.concat(chunks) }));
          response.on('error', fail);
        },
      );
      request.on('error', fail);
    });
  }
}
