import type { AppFiles } from './app-files.js';
import { error, type AppValidationReport } from './app-problem.js';
import { readManifest, validateManifest } from './validate-manifest.js';
import { validateTranslations } from './validate-translations.js';
import { validateRequirements } from './validate-requirements.js';
import { validateAssets } from './validate-assets.js';

/**
 * Validates a ZAF app package offline, with the rules of Zendesk's own validator
 * (zendesk_apps_support, which `zcli apps:validate` runs on Zendesk's servers; zendesk-facts §6):
 * manifest keys, types, locations, framework version and parameters; translations; required
 * files; requirements.json. Pure: the caller reads the files.
 */
export function validateApp(files: AppFiles): AppValidationReport {
  const read = readManifest(files);
  if ('problems' in read) return { ok: false, problems: read.problems };
  const { manifest } = read;
  const headless = manifest.requirementsOnly === true || manifest.marketingOnly === true;
  const problems = [
    ...validateManifest(manifest, files),
    ...validateTranslations(manifest, files),
    ...validateAssets(files, { headless }),
    ...validateRequirements(manifest, files),
  ];
  if (manifest.location === undefined && !files.has('requirements.json')) {
    problems.push(
      error('package.missing_location_and_requirements', 'manifest.json', 'the app has neither a location nor a requirements.json, so it would do nothing'),
    );
  }
  return { ok: !problems.some((p) => p.severity === 'error'), problems };
}

/** The report as lines for a terminal: "error manifest.json: …". */
export function formatAppProblems(report: AppValidationReport): string {
  return report.problems.map((p) => `${p.severity} ${p.file} [${p.rule}]: ${p.message}`).join('\n');
}
