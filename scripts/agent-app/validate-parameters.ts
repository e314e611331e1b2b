import { isObject, type JsonObject } from './app-files.js';
import { error, warning, type AppProblem } from './app-problem.js';

const FILE = 'manifest.json';
/** `manifest/parameter.rb` TYPES (zendesk-facts §6.1). */
export const PARAMETER_TYPES = ['text', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth', 'mtls'] as const;
/** Where a secure setting may be substituted by Zendesk's proxy. */
export const PARAMETER_SCOPES = ['header', 'body', 'url', 'jwt_secret_key', 'jwt_claim', 'basic_auth_username', 'basic_auth_password'] as const;
const PARAMETER_KEYS = ['name', 'type', 'required', 'secure', 'default', 'scopes', 'allowed_domain'];
const SECRET_LOOKING = /token|key|pwd|password/i;

/** The manifest's `parameters` (the app's settings): types, flags, secure scopes and names. */
export function validateParameters(manifest: JsonObject): AppProblem[] {
  const raw = manifest.parameters;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return [error('parameters_not_an_array', FILE, '"parameters" must be an array of { "name", "type", … } objects')];
  if (manifest.marketingOnly === true && raw.length > 0) return [error('no_parameters_required', FILE, 'a marketing-only app cannot have "parameters"')];

  const problems: AppProblem[] = [];
  const names: string[] = [];
  raw.forEach((p, i) => {
    const where = `parameters[${i}]`;
    if (!isObject(p)) {
      problems.push(error('invalid_parameter', FILE, `${where} must be an object`));
      return;
    }
    const name = typeof p.name === 'string' ? p.name : '';
    const label = name ? `parameter "${name}"` : where;
    if (!/^[A-Za-z0-9_]+$/.test(name))
      problems.push(error('invalid_parameter_name', FILE, `${where} needs a "name" made of letters, digits and underscores (it becomes {{setting.<name>}})`));
    else names.push(name);
    if (name === 'name')
      problems.push(error('name_as_parameter_name', FILE, 'a parameter cannot be called "name" (it would clash with the app installation\'s name)'));
    for (const key of Object.keys(p)) {
      if (!PARAMETER_KEYS.includes(key))
        problems.push(error('unknown_parameter_key', FILE, `${label} has "${key}", which is not a parameter property (allowed: ${PARAMETER_KEYS.join(', ')})`));
    }
    for (const flag of ['required', 'secure'] as const) {
      if (p[flag] !== undefined && typeof p[flag] !== 'boolean')
        problems.push(error('unacceptable_boolean', FILE, `${label}: "${flag}" must be true or false, not ${JSON.stringify(p[flag])}`));
    }
    const type = p.type === undefined ? 'text' : p.type;
    if (typeof type !== 'string' || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
      problems.push(error('invalid_type_parameter', FILE, `${label} has type ${JSON.stringify(type)}; the types are ${PARAMETER_TYPES.join(', ')}`));
    }
    if (type === 'hidden' && p.required === true)
      problems.push(error('invalid_hidden_parameter', FILE, `${label} is hidden, so it cannot be required (nobody can fill it in)`));
    if (type === 'oauth' && p.secure === true)
      problems.push(error('oauth_parameter_cannot_be_secure', FILE, `${label} is an oauth parameter, which cannot be secure`));
    if (p.scopes !== undefined) {
      if (!Array.isArray(p.scopes) || !p.scopes.every((s) => typeof s === 'string')) {
        problems.push(error('invalid_scopes', FILE, `${label}: "scopes" must be an array of strings`));
      } else {
        if (p.secure !== true)
          problems.push(error('scopes_require_secure', FILE, `${label} has "scopes", which only apply to secure parameters: add "secure": true`));
        const unknown = p.scopes.filter((s) => !(PARAMETER_SCOPES as readonly string[]).includes(s as string));
        if (unknown.length > 0)
          problems.push(
            error(
              'invalid_scope',
              FILE,
              `${label} has the unknown scope${unknown.length === 1 ? '' : 's'} ${unknown.map((s) => JSON.stringify(s)).join(', ')}; scopes are ${PARAMETER_SCOPES.join(', ')}`,
            ),
          );
      }
    }
    if (p.allowed_domain !== undefined && typeof p.allowed_domain !== 'string')
      problems.push(error('unacceptable_string', FILE, `${label}: "allowed_domain" must be a string`));
    if (p.secure !== true && (type === 'text' || type === 'password') && SECRET_LOOKING.test(name)) {
      problems.push(
        warning(
          'insecure_token_parameter_in_manifest',
          FILE,
          `${label} looks like a secret but is not secure: add "secure": true so its value never reaches the browser`,
        ),
      );
    }
    if (p.default !== undefined && (p.secure === true || type === 'hidden')) {
      problems.push(
        warning(
          'default_secure_or_hidden_parameter_in_manifest',
          FILE,
          `${label} is secure or hidden and has a default value, which ships inside the app package`,
        ),
      );
    }
    if (p.secure === true && (!Array.isArray(p.scopes) || p.scopes.length === 0)) {
      problems.push(
        warning(
          'secure_parameters_with_no_scopes_in_manifest',
          FILE,
          `${label} is secure but has no "scopes": say where Zendesk may substitute it (e.g. ["jwt_secret_key"])`,
        ),
      );
    }
  });
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (duplicates.length > 0)
    problems.push(error('duplicate_parameters', FILE, `parameter names must be unique; given more than once: ${duplicates.join(', ')}`));
  const oauth = raw.filter((p) => isObject(p) && p.type === 'oauth').length;
  if (oauth > 1) problems.push(error('too_many_oauth_parameters', FILE, 'an app can have only one oauth parameter'));
  return problems;
}
