import { isObject, parseJsonFile, type AppFiles, type Json, type JsonObject } from './app-files.js';
import { error, type AppProblem } from './app-problem.js';
import { VALID_LOCALE } from './validate-manifest.js';

const PUBLIC_APP_KEYS = ['name', 'short_description', 'installation_instructions', 'long_description'];

/**
 * translations/*.json (`validations/translations.rb`): valid locale names, JSON objects of strings,
 * the app's name (and the marketplace texts for a public app) in en.json, and a label for every
 * setting the admin fills in.
 */
export function validateTranslations(manifest: JsonObject, files: AppFiles): AppProblem[] {
  const problems: AppProblem[] = [];
  const defaultLocale = typeof manifest.defaultLocale === 'string' ? manifest.defaultLocale : 'en';
  const parameterNames = Array.isArray(manifest.parameters)
    ? manifest.parameters.flatMap((p) => (isObject(p) && typeof p.name === 'string' && p.type !== 'hidden' ? [p.name] : []))
    : [];
  for (const path of [...files.keys()].filter((f) => f.startsWith('translations/')).sort()) {
    const m = /^translations\/(.+)\.json$/.exec(path);
    if (!m) continue;
    if (!VALID_LOCALE.test(m[1]!)) {
      problems.push(error('translation.invalid_locale', path, `${path} is not named after a locale such as "en" or "pt-br"`));
      continue;
    }
    const parsed = parseJsonFile(files, path);
    if (!parsed) continue;
    if ('problem' in parsed) {
      problems.push(error('translation.not_json', path, parsed.problem));
      continue;
    }
    if (!isObject(parsed.value)) {
      problems.push(error('translation.not_json_object', path, `${path} must hold a JSON object`));
      continue;
    }
    const json = parsed.value;
    problems.push(...nonStringLeaves(json, path));
    const app = isObject(json.app) ? json.app : {};
    if (path === 'translations/en.json') {
      const required = manifest.private === false ? PUBLIC_APP_KEYS : ['name'];
      const present = Object.keys(app).map((k) => (k === 'description' ? 'short_description' : k));
      const missing = required.filter((k) => !present.includes(k));
      if (missing.length > 0) problems.push(error('translation.missing_required_key', path, `${path} is missing app.${missing.join(', app.')}`));
    }
    const parameters = isObject(app.parameters) ? app.parameters : {};
    for (const [name, entry] of Object.entries(parameters)) {
      if (!isObject(entry) || typeof entry.label !== 'string' || entry.label.trim() === '') {
        problems.push(
          error('translation.parameter_without_label', path, `app.parameters.${name} in ${path} needs a "label" (the text the admin sees next to the setting)`),
        );
      }
    }
    if (path === `translations/${defaultLocale}.json`) {
      for (const name of parameterNames.filter((n) => !(n in parameters))) {
        problems.push(
          error(
            'translation.parameter_without_label',
            path,
            `the setting "${name}" has no app.parameters.${name}.label in ${path}, so admins would see its raw name`,
          ),
        );
      }
    }
  }
  return problems;
}

function nonStringLeaves(value: Json, path: string, at = ''): AppProblem[] {
  if (typeof value === 'string') return [];
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => nonStringLeaves(v, path, at ? `${at}.${k}` : k));
  return [error('translation.invalid_format', path, `${path}: "${at}" must be a text or an object of texts, not ${JSON.stringify(value)}`)];
}
