import { createHash, X509Certificate } from 'node:crypto';
import tls, { type DetailedPeerCertificate, type SecureContext } from 'node:tls';
import { formatAddress, type HostPort } from './parse-address.js';

/** What one TLS handshake showed. */
export interface Handshake {
  leaf: X509Certificate;
  /** SHA-256 of the leaf's DER, lowercase hex. */
  sha256: string;
  /** OpenSSL's verdict on the served chain against the context's anchors (e.g. `UNABLE_TO_GET_ISSUER_CERT_LOCALLY`); null when it verifies. */
  chainError: string | null;
  /** Distinguished names along the chain OpenSSL built (served certificates, then a trusted root if one was found). */
  chain: { subject: string; issuer: string }[];
}

export interface HandshakeOptions {
  address: HostPort;
  /** The SNI name (the site). */
  servername: string;
  /** Holds the trust anchors the chain is checked against. */
  secureContext: SecureContext;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Connects, completes a TLS handshake with SNI = `servername`, and reports the served leaf and the
 * chain verdict without judging them (hostname and fingerprint are the caller's business). Never
 * throws: a failure is `{ error }` with a plain sentence ("connection refused at 127.0.0.1:8443").
 */
export function handshake(options: HandshakeOptions): Promise<Handshake | { error: string }> {
  const where = formatAddress(options.address);
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: Handshake | { error: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish({ error: `the check of ${where} was cancelled` });
    const socket = tls.connect({
      host: options.address.host,
      port: options.address.port,
      servername: options.servername,
      secureContext: options.secureContext,
      // The verdict is read from authorizationError so the message can say what is wrong; the
      // hostname is checked strictly by the caller (Node's default falls back to the CN).
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => finish({ error: `no TLS answer from ${where} within ${options.timeoutMs / 1000} s` }), options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      // One call only: on Node 20, getPeerX509Certificate() first leaves getPeerCertificate(true) empty.
      const peer = socket.getPeerCertificate(true);
      if (!peer?.raw) return finish({ error: `${where} sent no certificate for ${options.servername}` });
      const authError = socket.authorized ? null : socket.authorizationError;
      finish({
        leaf: new X509Certificate(peer.raw),
        sha256: createHash('sha256').update(peer.raw).digest('hex'),
        chainError: authError === null ? null : String(authError),
        chain: chainNames(peer),
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ error: describeSocketError(error, where, options.servername) }));
  });
}

function chainNames(cert: DetailedPeerCertificate): { subject: string; issuer: string }[] {
  const out: { subject: string; issuer: string }[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = cert; c?.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    out.push({ subject: dn(c.subject), issuer: dn(c.issuer) });
  }
  return out;
}

function dn(name: object | undefined): string {
  return Object.entries((name ?? {}) as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function describeSocketError(error: NodeJS.ErrnoException, where: string, site: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused at ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${where} does not resolve`;
    case 'ECONNRESET':
      return `${where} closed the connection during the TLS handshake for ${site}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return `cannot reach ${where} (${error.code})`;
  }
  // OpenSSL's text is "…:SSL routines:<function>:<reason>:<file>…": the reason is the readable part.
  const reason = /routines:[^:]*:([^:]+)/.exec(error.message)?.[1] ?? error.message.split('\n')[0];
  return `TLS handshake with ${where} for ${site} failed: ${reason}`;
}
