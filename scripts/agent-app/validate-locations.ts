import { isObject, type AppFiles, type JsonObject } from './app-files.js';
import { error, type AppProblem } from './app-problem.js';

const FILE = 'manifest.json';

/**
 * Locations per product, from zendesk_apps_support `location.rb` (Support and Chat; other products'
 * locations are not modelled here). "zendesk" and "zopim" are the legacy product names.
 */
const LOCATIONS: Record<string, readonly string[]> = {
  support: [
    'top_bar',
    'nav_bar',
    'ticket_sidebar',
    'new_ticket_sidebar',
    'user_sidebar',
    'organization_sidebar',
    'background',
    'modal',
    'ticket_editor',
    'system_top_bar',
    'ticket_module',
  ],
  chat: ['chat_sidebar', 'background'],
};
const LEGACY_PRODUCTS: Record<string, string> = { zendesk: 'support', zopim: 'chat' };

/**
 * `location`: an object of products, each an object of known locations whose `url` is an https
 * URL (or localhost) or a file under assets/ inside the package; v2 apps have no legacy (URL-less)
 * locations.
 */
export function validateLocations(manifest: JsonObject, files: AppFiles): AppProblem[] {
  const location = manifest.location;
  if (location === undefined) return [];
  if (!isObject(location)) {
    return [
      error(
        'locations_must_be_urls',
        FILE,
        '"location" must be an object such as { "support": { "ticket_sidebar": { "url": "assets/iframe.html" } } }; lists of location names are the retired v1 format',
      ),
    ];
  }
  const problems: AppProblem[] = [];
  let count = 0;
  for (const [host, places] of Object.entries(location)) {
    const product = LEGACY_PRODUCTS[host] ?? host;
    const known = LOCATIONS[product];
    if (!known) {
      problems.push(error('invalid_host', FILE, `"${host}" is not a Zendesk product (use ${Object.keys(LOCATIONS).join(', ')})`));
      continue;
    }
    if (!isObject(places)) {
      problems.push(error('locations_must_be_urls', FILE, `location.${host} must be an object mapping each location to { "url": … }`));
      continue;
    }
    for (const [name, options] of Object.entries(places)) {
      count++;
      const where = `location.${host}.${name}`;
      if (!known.includes(name)) {
        problems.push(error('invalid_location', FILE, `"${name}" is not a ${product} location (known: ${known.join(', ')})`));
        continue;
      }
      const opts = typeof options === 'string' ? { url: options } : options;
      if (!isObject(opts)) {
        problems.push(error('locations_must_be_urls', FILE, `${where} must be { "url": … }`));
        continue;
      }
      if (typeof opts.url !== 'string' || opts.url === '') {
        problems.push(
          error(
            opts.url === undefined ? 'locations_must_be_urls' : 'blank_location_uri',
            FILE,
            `${where} needs a "url" (a file under assets/ or an https URL)`,
          ),
        );
      } else if (!validLocationUrl(opts.url, files)) {
        problems.push(
          error(
            'invalid_location_uri',
            FILE,
            `${where} has the url "${opts.url}": it must be a file under assets/ that is in the package, or an absolute https URL`,
          ),
        );
      }
      if (opts.flexible !== undefined && typeof opts.flexible !== 'boolean') {
        problems.push(error('invalid_location_flexible_type', FILE, `${where}: "flexible" must be true or false, not ${JSON.stringify(opts.flexible)}`));
      }
    }
  }
  if (count === 0)
    problems.push(
      error('manifest_keys.missing', FILE, '"location" names no location: add e.g. "support": { "ticket_sidebar": { "url": "assets/iframe.html" } }'),
    );
  return problems;
}

function validLocationUrl(url: string, files: AppFiles): boolean {
  if (url.includes('{{setting.')) return true;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    try {
      const u = new URL(url);
      return u.protocol === 'https:' || u.hostname === 'localhost';
    } catch {
      return false;
    }
  }
  const path = url.split(/[?#]/)[0]!;
  return path.startsWith('assets/') && files.has(path);
}
