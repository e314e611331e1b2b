import type { EnvReader } from './env-reader.js';
import type { Config } from './config.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The process itself: where it keeps its files (DATA_DIR) and how it logs (LOG_LEVEL, LOG_FORMAT). */
export function readProcessConfig(env: EnvReader): Pick<Config, 'dataDir' | 'logLevel' | 'logFormat'> {
  const logLevel = env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const logFormat = env.get('LOG_FORMAT') === undefined ? null : env.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, 'json');
  return { dataDir: env.path('DATA_DIR', './data'), logLevel, logFormat };
}
