/**
 * Validates JSON bodies against an OpenAPI 3.0 file with Ajv 8. The OpenAPI parts JSON Schema lacks
 * are handled here: the whole document is added as one schema, so `$ref: '#/components/…'` resolves
 * within it; `nullable` is Ajv's own OpenAPI keyword; formats Ajv does not know (`url`, `datetime`)
 * are tolerated; OpenAPI-only keywords (`example`, `readOnly`, `x-…`) are ignored (strict: false).
 */
import { existsSync, readFileSync } from 'node:fs';
import AjvModule, { type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';
import type { ZendeskApi } from '../../src/ports/zendesk.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };

export interface ValidationResult {
  /** The OpenAPI path template and method that matched, e.g. `GET /api/v2/tickets/{ticket_id}`. */
  operation: string;
  errors: ErrorObject[];
}

const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class OasValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  private readonly doc: Doc;
  private readonly templates: Array<{ template: string; re: RegExp; params: number }>;

  /** `prefix` is prepended to the file's paths (the webhooks file's server URL ends in /api/v2). */
  constructor(
    file: string,
    private readonly prefix = '',
  ) {
    this.doc = yaml.load(readFileSync(file, 'utf8')) as Doc;
    addFormats(this.ajv);
    for (const f of ['url', 'datetime']) this.ajv.addFormat(f, true);
    this.ajv.addSchema(this.doc as object, 'oas');
    this.templates = Object.keys(this.doc.paths)
      .map((template) => ({
        template,
        re: new RegExp('^' + prefix + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
        params: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** The template of a concrete path (`.json` and the query ignored), literal segments first. */
  templateOf(path: string): string | undefined {
    const clean = path.replace(/\?.*$/, '').replace(/\.json$/, '');
    return this.templates.find((t) => t.re.test(clean))?.template;
  }

  /** Validates a response body against the file's schema for (method, path, status). */
  validateResponse(method: string, path: string, status: number, body: unknown): ValidationResult {
    const template = this.templateOf(path);
    if (!template) throw new Error(`${path} is not in the OpenAPI file`);
    return this.validateAs(template, method, status, body);
  }

  /** Validates against the response schema of a named template (for paths the file lacks). */
  validateAs(template: string, method: string, status: number, body: unknown): ValidationResult {
    const m = method.toLowerCase();
    const operation = `${method.toUpperCase()} ${this.prefix}${template}`;
    const response = this.doc.paths[template]?.[m]?.responses?.[String(status)];
    if (!response) throw new Error(`${operation} has no ${status} response in the OpenAPI file`);
    if (!response.content?.['application/json']?.schema) return { operation, errors: [] };
    const ref = `oas#/paths/${pointer(template)}/${m}/responses/${status}/content/${pointer('application/json')}/schema`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    const ok = validate(body);
    return { operation, errors: ok ? [] : [...(validate.errors ?? [])] };
  }

  /** Validates against `#/components/schemas/<name>`. */
  validateSchema(name: string, body: unknown): ErrorObject[] {
    const validate = this.ajv.getSchema(`oas#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate(body) ? [] : [...(validate.errors ?? [])];
  }
}

/** One JSON response the client consumed. */
export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** A fetch that records every JSON response passing through it (for the client under test). */
export function recordingFetch(): { fetch: typeof fetch; responses: RecordedResponse[] } {
  const responses: RecordedResponse[] = [];
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      const text = await res.clone().text();
      responses.push({ method: (init?.method ?? 'GET').toUpperCase(), path: url.pathname, status: res.status, body: text ? JSON.parse(text) : undefined });
    }
    return res;
  };
  return { fetch: recording, responses };
}

/** Says plainly why a contract suite does not run. */
export function contractFile(variable: string): string | undefined {
  const file = process.env[variable];
  if (!file || !existsSync(file)) {
    console.warn(
      `[contract] NOT RUN: the tests against ${variable} were skipped because ${file ? `the file ${file} does not exist` : 'the variable is unset'}. ` +
        'Set it to the OpenAPI file (.ci/run does when ../shared/reference has it) to run them.',
    );
    return undefined;
  }
  return file;
}

/**
 * How most contract suites start: the OpenAPI file read, a sandbox with demo data, and a client
 * acting as `as` (certdesk's API user unless given) whose JSON answers are recorded in `recorded`.
 */
export async function recordedSandbox(
  file: string,
  as?: (zd: TestSandbox) => string,
): Promise<{ oas: OasValidator; zd: TestSandbox; client: ZendeskApi; recorded: RecordedResponse[] }> {
  const oas = new OasValidator(file);
  const zd = await startTestSandbox({ demoData: true });
  const recorder = recordingFetch();
  const client = zd.clientFor(as ? as(zd) : zd.sandbox.apiUser.email, { fetch: recorder.fetch });
  return { oas, zd, client, recorded: recorder.responses };
}
