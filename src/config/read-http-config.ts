import type { EnvReader } from './env-reader.js';
import type { Config } from './config.js';

/**
 * Where certdesk listens and how it is reached: HOST (loopback in sandbox mode, every interface
 * with a real account), PORT, the proxies trusted to say who the client is, the token /metrics
 * asks for, and PUBLIC_URL (the address links and the agent app use).
 */
export function readHttpConfig(env: EnvReader, sandbox: boolean): Pick<Config, 'port' | 'host' | 'trustProxy' | 'metricsToken' | 'publicUrl'> {
  const host = env.get('HOST') ?? (sandbox ? '127.0.0.1' : '0.0.0.0');
  if (!/^(\[?[0-9a-f:.]+\]?|[a-z0-9.-]+)$/i.test(host))
    env.problem(`HOST must be an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0 (got "${host}").`);
  const trustProxy = readTrustProxy(env);
  const metricsToken = env.token('METRICS_TOKEN', 16);
  return { port: env.port('PORT', 3000), host, trustProxy, metricsToken, publicUrl: env.url('PUBLIC_URL', ['https:', 'http:']) };
}

/**
 * TRUST_PROXY takes what Express's "trust proxy" setting takes: true/false, a number of hops, or a
 * comma-separated list of addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 * Default: loopback (a reverse proxy on the same machine).
 */
function readTrustProxy(env: EnvReader): boolean | number | string {
  const raw = env.get('TRUST_PROXY');
  if (raw === undefined) return 'loopback';
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((e) => e.trim());
  const ok = entries.every((e) => ['loopback', 'linklocal', 'uniquelocal'].includes(e) || /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(e));
  if (!ok)
    env.problem(
      `TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of addresses/CIDR ranges or loopback, linklocal, uniquelocal (got "${raw}").`,
    );
  return ok ? entries.join(',') : 'loopback';
}
