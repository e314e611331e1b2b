import type { AppFiles } from './app-files.js';
import { error, type AppProblem } from './app-problem.js';
import { readPngSize } from './read-png-size.js';

/** The logos Zendesk shows in the admin and the marketplace, with the sizes its docs ask for. */
export const LOGOS = [
  { file: 'assets/logo.png', width: 320, height: 320 },
  { file: 'assets/logo-small.png', width: 128, height: 128 },
] as const;

/**
 * Required files and the v2 rule that all code lives in the iframe's assets: a root app.js,
 * lib/*.js, templates/*.hdbs or app.css belong to retired v1 apps (`validations/source.rb`).
 */
export function validateAssets(files: AppFiles, options: { headless: boolean }): AppProblem[] {
  const problems: AppProblem[] = [];
  for (const logo of LOGOS) {
    const bytes = files.get(logo.file);
    if (!bytes) {
      problems.push(error('missing_logo', logo.file, `${logo.file} is missing (a ${logo.width}×${logo.height} PNG)`));
      continue;
    }
    const size = readPngSize(bytes);
    if (!size) problems.push(error('invalid_png', logo.file, `${logo.file} is not a valid PNG image`));
    else if (size.width !== logo.width || size.height !== logo.height) {
      problems.push(error('logo_wrong_size', logo.file, `${logo.file} is ${size.width}×${size.height}; Zendesk expects ${logo.width}×${logo.height}`));
    }
  }
  if (!options.headless) {
    const v1Code = [...files.keys()].filter(
      (f) => f === 'app.js' || f === 'app.css' || (f.startsWith('lib/') && f.endsWith('.js')) || /^templates\/.+\.hdbs$/.test(f),
    );
    for (const f of v1Code) {
      problems.push(
        error(
          'no_code_for_ifo_notemplate',
          f,
          `${f} is v1 app code, which a v2 (iframe) app cannot have: move it under assets/ and load it from the iframe page`,
        ),
      );
    }
  }
  return problems;
}
