import { readFileSync } from 'node:fs';
import { ConfigError } from '../../lib/errors.js';
import { parseDomainRegistry, type DomainRegistry } from '../../core/registry/domain-registry.js';

/** Reads and validates DOMAINS_FILE at start-up; a missing or broken file stops start-up (ConfigError). */
export function loadDomainsFile(path: string): DomainRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`DOMAINS_FILE ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([`DOMAINS_FILE ${path} is not valid JSON.`]);
  }
  const { registry, problems } = parseDomainRegistry(json);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `DOMAINS_FILE ${path}: ${p}.`));
  return registry;
}
