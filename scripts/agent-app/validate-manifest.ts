import { isHttpUrl, isObject, parseJsonFile, type AppFiles, type JsonObject } from './app-files.js';
import { error, warning, type AppProblem } from './app-problem.js';
import { validateLocations } from './validate-locations.js';
import { validateParameters } from './validate-parameters.js';

const FILE = 'manifest.json';

/** The keys zendesk_apps_support's `manifest.rb` reads (RUBY_TO_JSON); anything else is a mistake. */
export const MANIFEST_KEYS = [
  'requirementsOnly',
  'marketingOnly',
  'version',
  'author',
  'name',
  'experiments',
  'frameworkVersion',
  'singleInstall',
  'signedUrls',
  'noTemplate',
  'defaultLocale',
  'location',
  'private',
  'oauth',
  'parameters',
  'domainWhitelist',
  'remoteInstallationURL',
  'termsConditionsURL',
  'gaID',
] as const;
/** Framework versions Zendesk still serves (`app_version.rb` TO_BE_SERVED), and the one new apps may target. */
const SERVED_VERSIONS = ['0.5', '1.0', '2.0'];
const VERSIONS_FOR_NEW_APPS = ['2.0'];
const BOOLEANS = ['requirementsOnly', 'marketingOnly', 'singleInstall', 'signedUrls', 'private'] as const;
const STRINGS = ['defaultLocale', 'version', 'frameworkVersion', 'remoteInstallationURL', 'termsConditionsURL', 'gaID', 'name'] as const;
const OAUTH_FIELDS = ['client_id', 'client_secret', 'authorize_uri', 'access_token_uri'];
export const VALID_LOCALE = /^[a-z]{2}(-\w{2,3})?$/;
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/i;

/** The parsed manifest, or the problems that stop the validator from reading it. */
export function readManifest(files: AppFiles): { manifest: JsonObject } | { problems: AppProblem[] } {
  const parsed = parseJsonFile(files, FILE);
  if (parsed === null) {
    const nested = [...files.keys()].find((f) => /^[^/]+\/manifest\.json$/.test(f));
    return {
      problems: [
        nested
          ? error('nested_manifest', FILE, `manifest.json must be at the root of the app, not in ${nested}`)
          : error('missing_manifest', FILE, 'there is no manifest.json at the root of the app'),
      ],
    };
  }
  if ('problem' in parsed) return { problems: [error('manifest_not_json', FILE, parsed.problem)] };
  if (!isObject(parsed.value)) return { problems: [error('manifest_not_json', FILE, 'manifest.json must hold a JSON object')] };
  return { manifest: parsed.value };
}

/** The rules of zendesk_apps_support `validations/manifest.rb` (zendesk-facts §6.1). */
export function validateManifest(manifest: JsonObject, files: AppFiles): AppProblem[] {
  const problems: AppProblem[] = [];
  const add = (p: AppProblem | AppProblem[] | null) => {
    if (p) problems.push(...(Array.isArray(p) ? p : [p]));
  };
  const unknown = Object.keys(manifest).filter((k) => !(MANIFEST_KEYS as readonly string[]).includes(k));
  for (const key of unknown)
    add(error('unknown_manifest_key', FILE, `"${key}" is not a manifest key Zendesk knows (check its spelling; known keys: ${MANIFEST_KEYS.join(', ')})`));

  const headless = manifest.requirementsOnly === true || manifest.marketingOnly === true;
  const missing = ['author', 'defaultLocale'].filter((k) => manifest[k] === undefined || manifest[k] === null);
  if (!headless) missing.push(...['location', 'frameworkVersion'].filter((k) => manifest[k] === undefined || manifest[k] === null));
  if (missing.length > 0) add(error('manifest_keys.missing', FILE, `manifest.json is missing ${missing.map((k) => `"${k}"`).join(', ')}`));

  for (const key of BOOLEANS) {
    if (manifest[key] !== undefined && typeof manifest[key] !== 'boolean')
      add(error('unacceptable_boolean', FILE, `"${key}" must be true or false, not ${JSON.stringify(manifest[key])}`));
  }
  for (const key of STRINGS) {
    if (manifest[key] !== undefined && manifest[key] !== null && typeof manifest[key] !== 'string')
      add(error('unacceptable_string', FILE, `"${key}" must be a string, not ${JSON.stringify(manifest[key])}`));
  }
  if (manifest.experiments !== undefined && !isObject(manifest.experiments)) add(error('unacceptable_hash', FILE, '"experiments" must be an object'));
  add(validateAuthor(manifest.author));
  add(validateDomainWhitelist(manifest.domainWhitelist));
  if (manifest.termsConditionsURL !== undefined && !isHttpUrl(manifest.termsConditionsURL)) {
    add(error('invalid_url', FILE, `"termsConditionsURL" must be an http(s) URL, not ${JSON.stringify(manifest.termsConditionsURL)}`));
  }
  add(validateDefaultLocale(manifest.defaultLocale, files));
  add(validateOauth(manifest));
  add(validateParameters(manifest));

  if (headless) {
    if (manifest.location !== undefined) add(error('no_location_required', FILE, 'a requirements-only or marketing-only app cannot have a "location"'));
    if (manifest.frameworkVersion !== undefined)
      add(error('no_framework_version_required', FILE, 'a requirements-only or marketing-only app cannot have a "frameworkVersion"'));
  } else {
    add(validateLocations(manifest, files));
    add(validateFrameworkVersion(manifest.frameworkVersion));
  }
  if (manifest.noTemplate !== undefined && manifest.noTemplate !== false && !(Array.isArray(manifest.noTemplate) && manifest.noTemplate.length === 0)) {
    add(error('no_template_deprecated_in_v2', FILE, '"noTemplate" belongs to v1 apps; a v2 app is all iframes: remove it'));
  }
  if (manifest.marketingOnly === true && manifest.private !== false)
    add(error('marketing_only_app_cant_be_private', FILE, 'a marketing-only app must set "private": false'));

  const secure = Array.isArray(manifest.parameters) && manifest.parameters.some((p) => isObject(p) && p.secure === true);
  const whitelist = Array.isArray(manifest.domainWhitelist) ? manifest.domainWhitelist : [];
  if (secure && whitelist.length === 0) {
    add(
      warning(
        'secure_settings_without_domain_whitelist',
        FILE,
        'secure settings are only substituted in requests to domains listed in "domainWhitelist", which is empty: add the backend\'s host name',
      ),
    );
  }
  return problems;
}

function validateAuthor(author: unknown): AppProblem[] {
  if (author === undefined || author === null) return [];
  if (!isObject(author)) return [error('unacceptable_hash', FILE, '"author" must be an object { "name", "email", "url" }')];
  const problems: AppProblem[] = [];
  for (const key of ['name', 'email', 'url']) {
    if (author[key] !== undefined && typeof author[key] !== 'string') problems.push(error('unacceptable_string', FILE, `"author.${key}" must be a string`));
  }
  if (typeof author.name !== 'string' || author.name.trim() === '') problems.push(error('manifest_keys.missing', FILE, '"author" needs a "name"'));
  if (author.url !== undefined && !isHttpUrl(author.url))
    problems.push(error('invalid_url', FILE, `"author.url" must be an http(s) URL, not ${JSON.stringify(author.url)}`));
  return problems;
}

function validateDomainWhitelist(list: unknown): AppProblem[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((d) => typeof d === 'string'))
    return [error('unacceptable_array_of_strings', FILE, '"domainWhitelist" must be an array of strings')];
  return (list as string[])
    .filter((d) => !DOMAIN.test(d))
    .map((d) => error('invalid_domain', FILE, `"domainWhitelist" entry "${d}" is not a host name (give "certdesk.example.com", without scheme or path)`));
}

function validateDefaultLocale(locale: unknown, files: AppFiles): AppProblem | null {
  if (typeof locale !== 'string') return null;
  if (!VALID_LOCALE.test(locale)) return error('invalid_default_locale', FILE, `"defaultLocale" "${locale}" is not a locale such as "en" or "pt-br"`);
  if (!files.has(`translations/${locale}.json`))
    return error('missing_translation_file', FILE, `the default locale is "${locale}" but translations/${locale}.json is missing`);
  return null;
}

function validateOauth(manifest: JsonObject): AppProblem[] {
  if (manifest.oauth === undefined) return [];
  const oauth = isObject(manifest.oauth) ? manifest.oauth : {};
  const problems: AppProblem[] = [];
  const missing = OAUTH_FIELDS.filter((k) => typeof oauth[k] !== 'string' || oauth[k] === '');
  if (missing.length > 0) problems.push(error('oauth_keys.missing', FILE, `"oauth" is missing ${missing.join(', ')}`));
  const hasOauthParameter = Array.isArray(manifest.parameters) && manifest.parameters.some((p) => isObject(p) && p.type === 'oauth');
  if (!hasOauthParameter) problems.push(error('oauth_parameter_required', FILE, 'an app with "oauth" needs a parameter of type "oauth" to hold the token'));
  return problems;
}

function validateFrameworkVersion(version: unknown): AppProblem | null {
  if (version === undefined || version === null || typeof version !== 'string') return null;
  if (!SERVED_VERSIONS.includes(version)) {
    return error('invalid_version', FILE, `"frameworkVersion" "${version}" does not exist; use "2.0"`);
  }
  if (!VERSIONS_FOR_NEW_APPS.includes(version)) {
    return error('invalid_version', FILE, `"frameworkVersion" "${version}" is no longer accepted for new or updated apps; use "2.0"`);
  }
  return null;
}
