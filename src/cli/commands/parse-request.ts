import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseRenewalRequest } from '../../core/request/parse-renewal-request.js';
import { REQUEST_FORM } from '../../core/request/request-form.js';
import type { ParsedRenewalRequest, RenewalRequestInput } from '../../core/request/types.js';

const USAGE = `Usage: certdesk parse-request [--json] FILE

Reads a renewal request the way certdesk reads a ticket: FILE is plain text, HTML (.html, .htm)
or an e-mail (.eml: its subject, and its text part, or its HTML part when it has no text).

  --json   print the parse result { isRenewalRequest, fields, problems } as JSON

Exit codes: 0 a complete renewal request, 1 not a renewal request or it has problems,
2 usage error or FILE cannot be read.`;

/**
 * What certdesk would read from a file: `.eml` through mailparser (subject + text, or HTML when the
 * message has no text part), `.html`/`.htm` as HTML, anything else as UTF-8 text.
 */
export async function requestInputFromFile(name: string, data: Buffer): Promise<RenewalRequestInput> {
  const ext = extname(name).toLowerCase();
  if (ext === '.eml') {
    // No HTML→text conversion by mailparser: an HTML-only message goes through certdesk's own,
    // which keeps quoted history recognisable.
    const mail = await simpleParser(data, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
    const input: RenewalRequestInput = {};
    if (mail.subject) input.subject = mail.subject;
    if (mail.text?.trim()) input.text = mail.text;
    else if (typeof mail.html === 'string') input.html = mail.html;
    return input;
  }
  const content = data.toString('utf8').replace(/^\ufeff/, '');
  return ext === '.html' || ext === '.htm' ? { html: content } : { text: content };
}

/** The parse result as a short report for a person. */
export function formatParseResult(result: ParsedRenewalRequest): string {
  const lines = [`Renewal request: ${result.isRenewalRequest ? 'yes' : 'no'}`];
  for (const { field, label } of REQUEST_FORM) {
    lines.push(`  ${label}: ${result.fields[field] ?? '-'}`);
  }
  if (result.problems.length === 0) {
    lines.push('Problems: none');
  } else {
    lines.push('Problems:');
    for (const problem of result.problems) {
      const label = REQUEST_FORM.find((line) => line.field === problem.field)?.label ?? problem.field;
      lines.push(`  - ${label} (${problem.code}): ${problem.message}`);
    }
  }
  lines.push(`Complete: ${isComplete(result) ? 'yes' : 'no'}`);
  return lines.join('\n') + '\n';
}

function isComplete(result: ParsedRenewalRequest): boolean {
  return result.isRenewalRequest && result.problems.length === 0;
}

function parseArgs(argv: string[]): { json: boolean; file: string } {
  let json = false;
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'FILE is required' : 'exactly one FILE is expected');
  return { json, file: files[0]! };
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { json, file } = parseArgs(argv);
  let data: Buffer;
  try {
    data = await readFile(resolve(io.cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${file} (${code})`);
  }
  let input: RenewalRequestInput;
  try {
    input = await requestInputFromFile(file, data);
  } catch (error) {
    // The file was read but its content is not a message we can open: a result, not a usage error.
    io.stderr(`certdesk parse-request: ${file} could not be read as an e-mail: ${error instanceof Error ? error.message : String(error)}\n`);
    input = {};
  }
  const result = parseRenewalRequest(input);
  io.stdout(json ? JSON.stringify(result, null, 2) + '\n' : formatParseResult(result));
  return isComplete(result) ? EXIT.ok : EXIT.rejected;
}

/** `certdesk parse-request [--json] FILE` (DESIGN §3). */
export const parseRequestCommand: CliCommand = {
  name: 'parse-request',
  usage: USAGE,
  run,
};

export default parseRequestCommand;
