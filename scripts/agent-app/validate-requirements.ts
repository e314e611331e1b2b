import { isHttpUrl, isObject, parseJsonFile, type AppFiles, type JsonObject } from './app-files.js';
import { error, type AppProblem } from './app-problem.js';

const FILE = 'requirements.json';
/** `app_requirement.rb` TYPES (zendesk-facts §6.3). */
export const REQUIREMENT_TYPES = [
  'automations',
  'channel_integrations',
  'custom_objects',
  'macros',
  'targets',
  'views',
  'ticket_fields',
  'triggers',
  'user_fields',
  'organization_fields',
  'webhooks',
  'custom_objects_v2',
] as const;
const MAX_REQUIREMENTS = 5000;
const WITHOUT_TITLE = ['webhooks', 'channel_integrations', 'custom_objects', 'custom_objects_v2'];
const WEBHOOK_FIELDS = ['name', 'status', 'endpoint', 'http_method', 'request_format'];
const REFUSED_TARGET_TYPES = ['http_target', 'url_target_v2'];
/** certdesk's own webhook route: it is connected by `setup-zendesk`, never by the app. */
const CERTDESK_WEBHOOK_PATH = '/webhooks/zendesk';

/** requirements.json (`validations/requirements.rb`), plus certdesk's rule that its webhook is not in it. */
export function validateRequirements(manifest: JsonObject, files: AppFiles): AppProblem[] {
  const parsed = parseJsonFile(files, FILE);
  if (parsed === null) {
    return manifest.requirementsOnly === true ? [error('missing_requirements', FILE, 'a requirements-only app needs a requirements.json')] : [];
  }
  if (manifest.marketingOnly === true) return [error('requirements_not_supported', FILE, 'a marketing-only app cannot have requirements.json')];
  if ('problem' in parsed) return [error('requirements_not_json', FILE, parsed.problem)];
  if (!isObject(parsed.value)) return [error('requirements_not_json', FILE, 'requirements.json must hold a JSON object')];
  const requirements = parsed.value;
  const problems: AppProblem[] = [];

  const invalid = Object.keys(requirements).filter((k) => !(REQUIREMENT_TYPES as readonly string[]).includes(k));
  if (invalid.length > 0)
    problems.push(
      error(
        'invalid_requirements_types',
        FILE,
        `requirements.json has ${invalid.map((k) => `"${k}"`).join(', ')}, which ${invalid.length === 1 ? 'is not a requirement type' : 'are not requirement types'} (allowed: ${REQUIREMENT_TYPES.join(', ')})`,
      ),
    );

  let count = 0;
  for (const [type, group] of Object.entries(requirements)) {
    if (!(REQUIREMENT_TYPES as readonly string[]).includes(type)) continue;
    if (!isObject(group)) {
      problems.push(error('invalid_requirements', FILE, `"${type}" must be an object of { "<identifier>": { …the API body… } }`));
      continue;
    }
    const entries = Object.entries(group);
    count += entries.length;
    if (type === 'channel_integrations' && entries.length > 1)
      problems.push(error('multiple_channel_integrations', FILE, 'an app can declare only one channel integration'));
    for (const [id, body] of entries) {
      const where = `${type}.${id}`;
      if (!isObject(body)) {
        problems.push(error('invalid_requirements', FILE, `${where} must be an object`));
        continue;
      }
      const need = (field: string) => {
        if (body[field] === undefined || body[field] === null || body[field] === '')
          problems.push(error('missing_required_fields', FILE, `${where} is missing "${field}"`));
      };
      if (!WITHOUT_TITLE.includes(type)) need('title');
      if (type === 'user_fields' || type === 'organization_fields') need('key');
      if (type === 'channel_integrations') need('manifest_url');
      if (type === 'targets' && typeof body.type === 'string' && REFUSED_TARGET_TYPES.includes(body.type)) {
        problems.push(error('invalid_target_type', FILE, `${where} is a "${body.type}" target, which Zendesk no longer accepts: declare a webhook instead`));
      }
      if (type === 'webhooks') {
        WEBHOOK_FIELDS.forEach(need);
        if (body.endpoint !== undefined && !isHttpUrl(body.endpoint))
          problems.push(error('invalid_url', FILE, `${where}.endpoint must be an http(s) URL, not ${JSON.stringify(body.endpoint)}`));
        else if (typeof body.endpoint === 'string' && new URL(body.endpoint).pathname.replace(/\/+$/, '') === CERTDESK_WEBHOOK_PATH) {
          problems.push(
            error(
              'certdesk_webhook_in_requirements',
              FILE,
              `${where} points at certdesk's webhook. Connect it with setup-zendesk instead: a webhook created by an app has its signing secret written into the package, and Zendesk never lets an admin reveal or reset it`,
            ),
          );
        }
      }
    }
  }
  if (count > MAX_REQUIREMENTS)
    problems.push(error('excessive_requirements', FILE, `requirements.json declares ${count} requirements; the limit is ${MAX_REQUIREMENTS}`));
  return problems;
}
