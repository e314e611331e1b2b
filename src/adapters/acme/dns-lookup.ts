import { Resolver } from 'node:dns/promises';
import type { DnsLookup } from '../../ports/acme.js';

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * The DNS lookup of the ACME readiness check (ports/acme.ts) on Node's resolver. `servers`
 * (host:port) replaces the system's resolvers — the tests point it at pebble-challtestsrv.
 */
export function createDnsLookup(options: { servers?: string[]; timeoutMs?: number } = {}): DnsLookup {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
  if (options.servers?.length) resolver.setServers(options.servers);
  return {
    async cnameChain(name) {
      const chain: string[] = [];
      let current = name;
      // A loop or an absurdly long chain ends the walk; the readiness check judges what it got.
      for (let i = 0; i < 8; i++) {
        try {
          const [target] = await resolver.resolveCname(current);
          if (!target) break;
          chain.push(target);
          current = target;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? '';
          if (code === 'ENOTFOUND' && i === 0) return (await exists(resolver, name)) ? [] : null;
          if (NO_DATA.has(code)) break;
          throw error;
        }
      }
      return chain;
    },
    async caa(name) {
      try {
        const records = await resolver.resolveCaa(name);
        return records.map((r) => {
          const { critical, ...rest } = r as unknown as Record<string, string | number>;
          const [tag, value] = Object.entries(rest)[0] ?? ['', ''];
          return { critical: (Number(critical) & 128) !== 0, tag: String(tag), value: String(value) };
        });
      } catch (error) {
        if (NO_DATA.has((error as NodeJS.ErrnoException).code ?? '')) return [];
        throw error;
      }
    },
  };
}

/** Whether the name has an address at all (a name with A records but no CNAME exists). */
async function exists(resolver: Resolver, name: string): Promise<boolean> {
  try {
    return (await resolver.resolve4(name)).length > 0;
  } catch {
    return false;
  }
}
