import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { validateApp } from '../../../scripts/agent-app/validate-app.js';
import { collectAppFiles } from '../../../scripts/package-app.js';

const REPO = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'certdesk-app-copies-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Json = any;
/** A copy of the shipped app in a temp directory, and ways to break it. */
function copyOfApp() {
  const root = mkdtempSync(join(work, 'app-'));
  for (const p of ['manifest.json', 'assets', 'translations']) cpSync(join(REPO, p), join(root, p), { recursive: true });
  const path = (f: string) => join(root, f);
  return {
    root,
    write(file: string, content: string | Buffer) {
      mkdirSync(dirname(path(file)), { recursive: true });
      writeFileSync(path(file), content);
    },
    json(file: string, edit: (j: Json) => Json | void) {
      const j = JSON.parse(readFileSync(path(file), 'utf8'));
      const out = edit(j) ?? j;
      writeFileSync(path(file), JSON.stringify(out, null, 2));
    },
    remove: (file: string) => unlinkSync(path(file)),
    read: (file: string) => readFileSync(path(file)),
  };
}
type App = ReturnType<typeof copyOfApp>;
const manifest = (edit: (m: Json) => Json | void) => (app: App) => app.json('manifest.json', edit);
const translations = (edit: (t: Json) => Json | void) => (app: App) => app.json('translations/en.json', edit);
const param = (m: Json, name: string) => m.parameters.find((p: Json) => p.name === name);
const requirements = (r: Json) => (app: App) => app.write('requirements.json', JSON.stringify(r));
const webhook = (extra: Json = {}) => ({
  name: 'Status',
  status: 'active',
  endpoint: 'https://hooks.example.com/status',
  http_method: 'POST',
  request_format: 'json',
  ...extra,
});

/** The copy is a directory holding only the app, so every file in it is in the package (as zcli zips it). */
function validate(app: App) {
  return validateApp(collectAppFiles(app.root, { include: 'all' }));
}

describe('the shipped app', () => {
  it("passes every rule of Zendesk's validator", () => {
    const report = validateApp(collectAppFiles(REPO));
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("only warns that domainWhitelist is empty until it is packaged with certdesk's URL", () => {
    expect(validateApp(collectAppFiles(REPO)).problems.map((p) => p.rule)).toEqual(['secure_settings_without_domain_whitelist']);
  });
});

describe('each rule violation introduced into a copy of the app is caught', () => {
  const cases: { name: string; breakIt: (app: App) => void; rule: string; message: RegExp; file?: string }[] = [
    // manifest.json (zendesk-facts §6.1)
    { name: 'no manifest.json', breakIt: (a) => a.remove('manifest.json'), rule: 'missing_manifest', message: /no manifest\.json at the root/ },
    {
      name: 'manifest.json in a subfolder',
      breakIt: (a) => (a.write('app/manifest.json', a.read('manifest.json')), a.remove('manifest.json')),
      rule: 'nested_manifest',
      message: /not in app\/manifest\.json/,
    },
    {
      name: 'manifest.json that is not JSON',
      breakIt: (a) => a.write('manifest.json', '{ "name": "certdesk", }'),
      rule: 'manifest_not_json',
      message: /not valid JSON/,
    },
    {
      name: 'a key given twice',
      breakIt: (a) => a.write('manifest.json', a.read('manifest.json').toString().replace('"name": "certdesk",', '"name": "certdesk", "name": "other",')),
      rule: 'manifest_not_json',
      message: /"name" twice/,
    },
    {
      name: 'a misspelt key',
      breakIt: manifest((m) => void (m.frameworkversion = '2.0')),
      rule: 'unknown_manifest_key',
      message: /"frameworkversion" is not a manifest key/,
    },
    { name: 'no author', breakIt: manifest((m) => void delete m.author), rule: 'manifest_keys.missing', message: /missing "author"/ },
    {
      name: 'an author without a name',
      breakIt: manifest((m) => void (m.author = { email: 'a@example.com' })),
      rule: 'manifest_keys.missing',
      message: /"author" needs a "name"/,
    },
    { name: 'no defaultLocale', breakIt: manifest((m) => void delete m.defaultLocale), rule: 'manifest_keys.missing', message: /missing "defaultLocale"/ },
    {
      name: 'no frameworkVersion',
      breakIt: manifest((m) => void delete m.frameworkVersion),
      rule: 'manifest_keys.missing',
      message: /missing "frameworkVersion"/,
    },
    { name: 'no location', breakIt: manifest((m) => void delete m.location), rule: 'manifest_keys.missing', message: /missing "location"/ },
    {
      name: 'a retired frameworkVersion',
      breakIt: manifest((m) => void (m.frameworkVersion = '1.0')),
      rule: 'invalid_version',
      message: /"1\.0" is no longer accepted.*use "2\.0"/,
    },
    {
      name: 'an unknown frameworkVersion',
      breakIt: manifest((m) => void (m.frameworkVersion = '3.0')),
      rule: 'invalid_version',
      message: /"3\.0" does not exist/,
    },
    {
      name: 'a requirements-only app with a location',
      breakIt: (a) => (manifest((m) => void (m.requirementsOnly = true))(a), requirements({ webhooks: { w: webhook() } })(a)),
      rule: 'no_location_required',
      message: /cannot have a "location"/,
    },
    {
      name: 'a requirements-only app with a frameworkVersion',
      breakIt: (a) => (manifest((m) => void ((m.requirementsOnly = true), delete m.location))(a), requirements({ webhooks: { w: webhook() } })(a)),
      rule: 'no_framework_version_required',
      message: /cannot have a "frameworkVersion"/,
    },
    {
      name: '"private" that is not a boolean',
      breakIt: manifest((m) => void (m.private = 'yes')),
      rule: 'unacceptable_boolean',
      message: /"private" must be true or false/,
    },
    {
      name: '"version" that is not a string',
      breakIt: manifest((m) => void (m.version = 1)),
      rule: 'unacceptable_string',
      message: /"version" must be a string/,
    },
    {
      name: 'domainWhitelist that is not a list',
      breakIt: manifest((m) => void (m.domainWhitelist = 'certdesk.example.com')),
      rule: 'unacceptable_array_of_strings',
      message: /array of strings/,
    },
    {
      name: 'a URL in domainWhitelist',
      breakIt: manifest((m) => void (m.domainWhitelist = ['https://certdesk.example.com/api'])),
      rule: 'invalid_domain',
      message: /not a host name/,
    },
    {
      name: 'an author URL that is not a URL',
      breakIt: manifest((m) => void (m.author.url = 'certdesk dot example')),
      rule: 'invalid_url',
      message: /"author\.url" must be an http\(s\) URL/,
    },
    {
      name: 'a termsConditionsURL that is not a URL',
      breakIt: manifest((m) => void (m.termsConditionsURL = 'ftp://terms')),
      rule: 'invalid_url',
      message: /"termsConditionsURL"/,
    },
    {
      name: 'a defaultLocale that is not a locale',
      breakIt: manifest((m) => void (m.defaultLocale = 'english')),
      rule: 'invalid_default_locale',
      message: /"english" is not a locale/,
    },
    {
      name: 'a defaultLocale without its translation file',
      breakIt: manifest((m) => void (m.defaultLocale = 'fr')),
      rule: 'missing_translation_file',
      message: /translations\/fr\.json is missing/,
    },
    {
      name: 'an unknown product',
      breakIt: manifest((m) => void (m.location = { supprt: m.location.support })),
      rule: 'invalid_host',
      message: /"supprt" is not a Zendesk product/,
    },
    {
      name: 'an unknown location',
      breakIt: manifest((m) => void (m.location.support = { ticket_sidebarr: { url: 'assets/iframe.html' } })),
      rule: 'invalid_location',
      message: /"ticket_sidebarr" is not a support location/,
    },
    {
      name: 'a location URL to a file not in the package',
      breakIt: manifest((m) => void (m.location.support.ticket_sidebar.url = 'assets/sidebar.html')),
      rule: 'invalid_location_uri',
      message: /"assets\/sidebar\.html".*file under assets\//,
    },
    {
      name: 'a location URL outside assets/',
      breakIt: (a) => (a.write('iframe.html', '<p>'), manifest((m) => void (m.location.support.ticket_sidebar.url = 'iframe.html'))(a)),
      rule: 'invalid_location_uri',
      message: /"iframe\.html"/,
    },
    {
      name: 'a plain-http location URL',
      breakIt: manifest((m) => void (m.location.support.ticket_sidebar.url = 'http://certdesk.example.com/sidebar')),
      rule: 'invalid_location_uri',
      message: /absolute https URL/,
    },
    {
      name: 'a location without a url',
      breakIt: manifest((m) => void (m.location.support.ticket_sidebar = { flexible: true })),
      rule: 'locations_must_be_urls',
      message: /needs a "url"/,
    },
    {
      name: '"flexible" that is not a boolean',
      breakIt: manifest((m) => void (m.location.support.ticket_sidebar.flexible = 'yes')),
      rule: 'invalid_location_flexible_type',
      message: /"flexible" must be true or false/,
    },
    {
      name: 'v1 locations (a list of names)',
      breakIt: manifest((m) => void (m.location = ['ticket_sidebar'])),
      rule: 'locations_must_be_urls',
      message: /retired v1 format/,
    },
    {
      name: 'noTemplate in a v2 app',
      breakIt: manifest((m) => void (m.noTemplate = true)),
      rule: 'no_template_deprecated_in_v2',
      message: /belongs to v1 apps/,
    },
    // parameters
    {
      name: 'parameters that are not a list',
      breakIt: manifest((m) => void (m.parameters = { certdesk_url: {} })),
      rule: 'parameters_not_an_array',
      message: /must be an array/,
    },
    {
      name: 'a parameter type that does not exist',
      breakIt: manifest((m) => void (param(m, 'shared_secret').type = 'password')),
      rule: 'invalid_type_parameter',
      message: /type "password"; the types are text, checkbox/,
    },
    {
      name: 'a parameter called "name"',
      breakIt: manifest((m) => void m.parameters.push({ name: 'name', type: 'text' })),
      rule: 'name_as_parameter_name',
      message: /cannot be called "name"/,
    },
    {
      name: 'a parameter without a name',
      breakIt: manifest((m) => void m.parameters.push({ type: 'text' })),
      rule: 'invalid_parameter_name',
      message: /parameters\[2\] needs a "name"/,
    },
    {
      name: 'two parameters with one name',
      breakIt: manifest((m) => void m.parameters.push({ name: 'certdesk_url', type: 'url' })),
      rule: 'duplicate_parameters',
      message: /given more than once: certdesk_url/,
    },
    {
      name: '"required" that is not a boolean',
      breakIt: manifest((m) => void (param(m, 'certdesk_url').required = 'true')),
      rule: 'unacceptable_boolean',
      message: /"certdesk_url": "required" must be true or false/,
    },
    {
      name: 'a hidden parameter that is required',
      breakIt: manifest((m) => void m.parameters.push({ name: 'build', type: 'hidden', required: true })),
      rule: 'invalid_hidden_parameter',
      message: /hidden, so it cannot be required/,
    },
    {
      name: 'a secure oauth parameter',
      breakIt: manifest((m) => void m.parameters.push({ name: 'token', type: 'oauth', secure: true })),
      rule: 'oauth_parameter_cannot_be_secure',
      message: /cannot be secure/,
    },
    {
      name: 'two oauth parameters',
      breakIt: manifest((m) => void m.parameters.push({ name: 'a', type: 'oauth' }, { name: 'b', type: 'oauth' })),
      rule: 'too_many_oauth_parameters',
      message: /only one oauth parameter/,
    },
    {
      name: 'scopes on a parameter that is not secure',
      breakIt: manifest((m) => void (param(m, 'certdesk_url').scopes = ['url'])),
      rule: 'scopes_require_secure',
      message: /add "secure": true/,
    },
    {
      name: 'an unknown scope',
      breakIt: manifest((m) => void (param(m, 'shared_secret').scopes = ['jwt_secret'])),
      rule: 'invalid_scope',
      message: /unknown scope "jwt_secret"/,
    },
    {
      name: 'an unknown parameter property',
      breakIt: manifest((m) => void (param(m, 'certdesk_url').label = 'URL')),
      rule: 'unknown_parameter_key',
      message: /has "label", which is not a parameter property/,
    },
    {
      name: 'oauth settings without their fields or an oauth parameter',
      breakIt: manifest((m) => void (m.oauth = { client_id: 'x' })),
      rule: 'oauth_keys.missing',
      message: /missing client_secret, authorize_uri, access_token_uri/,
    },
    {
      name: 'oauth settings without an oauth parameter',
      breakIt: manifest((m) => void (m.oauth = { client_id: 'a', client_secret: 'b', authorize_uri: 'https://x/a', access_token_uri: 'https://x/t' })),
      rule: 'oauth_parameter_required',
      message: /parameter of type "oauth"/,
    },
    // translations
    {
      name: 'no translations/en.json',
      breakIt: (a) => a.remove('translations/en.json'),
      rule: 'missing_translation_file',
      message: /translations\/en\.json is missing/,
    },
    {
      name: 'translations that are not JSON',
      breakIt: (a) => a.write('translations/en.json', '{ app: {} }'),
      rule: 'translation.not_json',
      message: /not valid JSON/,
      file: 'translations/en.json',
    },
    {
      name: 'translations that are not an object',
      breakIt: (a) => a.write('translations/en.json', '["certdesk"]'),
      rule: 'translation.not_json_object',
      message: /must hold a JSON object/,
    },
    {
      name: "translations without the app's name",
      breakIt: translations((t) => void delete t.app.name),
      rule: 'translation.missing_required_key',
      message: /missing app\.name/,
    },
    {
      name: 'a public app without its marketplace texts',
      breakIt: (a) => (manifest((m) => void (m.private = false))(a), translations((t) => void delete t.app.long_description)(a)),
      rule: 'translation.missing_required_key',
      message: /missing app\.long_description/,
    },
    {
      name: 'a setting without a label',
      breakIt: translations((t) => void delete t.app.parameters.shared_secret.label),
      rule: 'translation.parameter_without_label',
      message: /app\.parameters\.shared_secret .*needs a "label"/,
    },
    {
      name: 'a setting missing from the translations',
      breakIt: translations((t) => void delete t.app.parameters.certdesk_url),
      rule: 'translation.parameter_without_label',
      message: /"certdesk_url" has no app\.parameters\.certdesk_url\.label/,
    },
    {
      name: 'a translation file not named after a locale',
      breakIt: (a) => a.write('translations/english.json', '{}'),
      rule: 'translation.invalid_locale',
      message: /translations\/english\.json is not named after a locale/,
    },
    {
      name: 'a translation that is a number',
      breakIt: translations((t) => void (t.app.version = 2)),
      rule: 'translation.invalid_format',
      message: /"app\.version" must be a text/,
    },
    // files
    { name: 'no logo.png', breakIt: (a) => a.remove('assets/logo.png'), rule: 'missing_logo', message: /assets\/logo\.png is missing \(a 320×320 PNG\)/ },
    {
      name: 'no logo-small.png',
      breakIt: (a) => a.remove('assets/logo-small.png'),
      rule: 'missing_logo',
      message: /assets\/logo-small\.png is missing \(a 128×128 PNG\)/,
    },
    {
      name: 'a small logo of the wrong size',
      breakIt: (a) => a.write('assets/logo-small.png', a.read('assets/logo.png')),
      rule: 'logo_wrong_size',
      message: /is 320×320; Zendesk expects 128×128/,
    },
    {
      name: 'a logo that is not a PNG',
      breakIt: (a) => a.write('assets/logo.png', '<svg/>'),
      rule: 'invalid_png',
      message: /assets\/logo\.png is not a valid PNG/,
    },
    {
      name: 'a logo with a corrupted header',
      breakIt: (a) => a.write('assets/logo.png', Buffer.from(a.read('assets/logo.png').map((b, i) => (i === 17 ? b ^ 1 : b)))),
      rule: 'invalid_png',
      message: /not a valid PNG/,
    },
    {
      name: 'a v1 app.js',
      breakIt: (a) => a.write('app.js', '(function(){ return {}; }());'),
      rule: 'no_code_for_ifo_notemplate',
      message: /app\.js is v1 app code/,
    },
    {
      name: 'v1 templates',
      breakIt: (a) => a.write('templates/layout.hdbs', '<div></div>'),
      rule: 'no_code_for_ifo_notemplate',
      message: /templates\/layout\.hdbs/,
    },
    // requirements.json (zendesk-facts §6.3)
    {
      name: 'requirements.json that is not JSON',
      breakIt: (a) => a.write('requirements.json', '{ webhooks: }'),
      rule: 'requirements_not_json',
      message: /not valid JSON/,
    },
    {
      name: 'an unknown requirement type',
      breakIt: requirements({ widgets: { w: { title: 'W' } } }),
      rule: 'invalid_requirements_types',
      message: /"widgets", which is not a requirement type/,
    },
    {
      name: 'a trigger without a title',
      breakIt: requirements({ triggers: { notify: { conditions: {}, actions: [] } } }),
      rule: 'missing_required_fields',
      message: /triggers\.notify is missing "title"/,
    },
    {
      name: 'a user field without a key',
      breakIt: requirements({ user_fields: { plan: { title: 'Plan', type: 'text' } } }),
      rule: 'missing_required_fields',
      message: /user_fields\.plan is missing "key"/,
    },
    {
      name: 'a webhook without its required fields',
      breakIt: requirements({ webhooks: { hook: { name: 'Hook', endpoint: 'https://hooks.example.com/x' } } }),
      rule: 'missing_required_fields',
      message: /webhooks\.hook is missing "(status|http_method|request_format)"/,
    },
    {
      name: 'a webhook whose endpoint is not a URL',
      breakIt: requirements({ webhooks: { hook: webhook({ endpoint: 'hooks.example.com/x' }) } }),
      rule: 'invalid_url',
      message: /webhooks\.hook\.endpoint must be an http\(s\) URL/,
    },
    {
      name: "certdesk's own webhook declared by the app",
      breakIt: requirements({
        webhooks: {
          certdesk: webhook({
            endpoint: 'https://certdesk.example.com/webhooks/zendesk',
            subscriptions: ['zen:event-type:ticket.created'],
            signing_secret: { algorithm: 'SHA256', secret: 'in-the-package' },
          }),
        },
      }),
      rule: 'certdesk_webhook_in_requirements',
      message: /setup-zendesk.*never lets an admin reveal or reset it/,
    },
    {
      name: 'two channel integrations',
      breakIt: requirements({ channel_integrations: { a: { manifest_url: 'https://x/a' }, b: { manifest_url: 'https://x/b' } } }),
      rule: 'multiple_channel_integrations',
      message: /only one channel integration/,
    },
    {
      name: 'an http_target',
      breakIt: requirements({ targets: { t: { title: 'T', type: 'http_target', target_url: 'https://x' } } }),
      rule: 'invalid_target_type',
      message: /"http_target" target, which Zendesk no longer accepts/,
    },
    {
      name: 'more than 5000 requirements',
      breakIt: requirements({ macros: Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`m${i}`, { title: `M${i}`, actions: [] }])) }),
      rule: 'excessive_requirements',
      message: /5001 requirements; the limit is 5000/,
    },
    {
      name: 'requirements in a marketing-only app',
      breakIt: (a) => (
        manifest((m) => void ((m.marketingOnly = true), (m.private = false), delete m.location, delete m.frameworkVersion, delete m.parameters))(a),
        requirements({ webhooks: { w: webhook() } })(a)
      ),
      rule: 'requirements_not_supported',
      message: /marketing-only app cannot have requirements\.json/,
    },
    {
      name: 'a requirements-only app without requirements.json',
      breakIt: manifest((m) => void ((m.requirementsOnly = true), delete m.location, delete m.frameworkVersion)),
      rule: 'missing_requirements',
      message: /needs a requirements\.json/,
    },
    {
      name: 'neither a location nor requirements',
      breakIt: manifest((m) => void ((m.requirementsOnly = true), delete m.location, delete m.frameworkVersion)),
      rule: 'package.missing_location_and_requirements',
      message: /neither a location nor a requirements\.json/,
    },
  ];

  it.each(cases)('$name → $rule', (c) => {
    const app = copyOfApp();
    c.breakIt(app);
    const report = validate(app);
    expect(report.ok).toBe(false);
    const found = report.problems.filter((p) => p.rule === c.rule && p.severity === 'error');
    expect(found, JSON.stringify(report.problems, null, 1)).not.toEqual([]);
    expect(found.map((p) => p.message).join('\n')).toMatch(c.message);
    if (c.file) expect(found[0]!.file).toBe(c.file);
  });

  it.each([
    {
      name: 'a secure parameter without scopes',
      breakIt: manifest((m) => void delete param(m, 'shared_secret').scopes),
      rule: 'secure_parameters_with_no_scopes_in_manifest',
      message: /"shared_secret" is secure but has no "scopes"/,
    },
    {
      name: 'a token-like parameter that is not secure',
      breakIt: (a) => (
        manifest((m) => void m.parameters.push({ name: 'api_token', type: 'text' }))(a),
        translations((t) => void (t.app.parameters.api_token = { label: 'API token' }))(a)
      ),
      rule: 'insecure_token_parameter_in_manifest',
      message: /"api_token" looks like a secret/,
    },
    {
      name: 'a secure parameter with a default',
      breakIt: manifest((m) => void (param(m, 'shared_secret').default = 'changeme')),
      rule: 'default_secure_or_hidden_parameter_in_manifest',
      message: /ships inside the app package/,
    },
  ])('$name is a warning ($rule), as in Zendesk', (c) => {
    const app = copyOfApp();
    c.breakIt(app);
    const report = validate(app);
    expect(report.ok).toBe(true);
    expect(report.problems.filter((p) => p.rule === c.rule).map((p) => [p.severity, p.message])).toEqual([['warning', expect.stringMatching(c.message)]]);
  });

  it('accepts a requirements.json that declares some other webhook properly', () => {
    const app = copyOfApp();
    requirements({ webhooks: { status: webhook() }, ticket_fields: { renewal_site: { title: 'Renewal site', type: 'text' } } })(app);
    expect(validate(app).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});
