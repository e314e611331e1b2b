import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createAiaFetcher } from '../../adapters/aia/create-aia-fetcher.js';
import { checkBundle } from '../../core/bundle/check-bundle.js';
import { csrPublicKey } from '../../core/bundle/csr-public-key.js';
import { countAnchors } from '../../core/bundle/trust-anchors.js';
import type { BundleReport, CertSummary, CheckBundleInput } from '../../core/bundle/types.js';
import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';

const USAGE = `Usage: certdesk check-bundle --domain D [options] FILE...

Checks a certificate bundle the way certdesk checks what a customer sends: FILEs are PEM, DER
(.cer/.crt), PKCS#7 (.p7b), PKCS#12 (.pfx/.p12), ZIP, e-mail (.eml) or pasted text, in any mix.

  --domain D          the site the certificate is for (required), e.g. my.example.com
  --csr F             the CSR that was sent: the certificate must carry its key
  --ca-file F         extra trusted roots (PEM); may be repeated. EXTRA_CA_FILE is also read
  --no-system-roots   trust only --ca-file / EXTRA_CA_FILE, not Node's Mozilla root store
  --at ISO            validate at this time instead of now (e.g. 2026-05-01T00:00:00Z)
  --aia               download a missing intermediate from the certificate's AIA address, and
                      check revocation: each certificate's CRL (cRLDistributionPoints), else
                      its OCSP responder
  --crl F             a CRL (PEM or DER) to check revocation against; may be repeated
  --pkcs12-password-file F
                      passwords to try on .pfx/.p12 files, one per line (not on the command
                      line, where other users could see them)
  --max-chain-depth N intermediates allowed between leaf and root (default 8)
  --json              print the report as JSON (exactly checkBundle's result)

Exit codes: 0 acceptable, 1 rejected (any problem with the files' content), 2 usage error or a
file that cannot be read from disk.`;

interface Options {
  input: CheckBundleInput;
  json: boolean;
}

async function readOrFail(io: CliIo, file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(resolve(io.cwd, file));
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function parseOptions(argv: string[], io: CliIo): Promise<Options> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      domain: { type: 'string' },
      csr: { type: 'string' },
      'ca-file': { type: 'string', multiple: true },
      'no-system-roots': { type: 'boolean' },
      at: { type: 'string' },
      aia: { type: 'boolean' },
      crl: { type: 'string', multiple: true },
      'pkcs12-password-file': { type: 'string' },
      'max-chain-depth': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.domain) throw new UsageError('--domain is required');
  if (positionals.length === 0) throw new UsageError('at least one FILE is required');
  let at: Date | undefined;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--at ${values.at} is not an ISO 8601 date`);
  }
  const caFiles = [...(values['ca-file'] ?? []), ...(io.env.EXTRA_CA_FILE ? [io.env.EXTRA_CA_FILE] : [])];
  const trustedRootsPem: string[] = [];
  for (const file of caFiles) {
    const pem = (await readOrFail(io, file, 'CA file')).toString('utf8');
    if (countAnchors(pem) === 0) throw new UsageError(`CA file ${file} contains no PEM certificate`);
    trustedRootsPem.push(pem);
  }
  const files = [];
  for (const file of positionals) files.push({ name: file, data: await readOrFail(io, file, 'file') });
  const input: CheckBundleInput = { domain: values.domain, files, trustedRootsPem, useSystemRoots: !values['no-system-roots'] };
  if (values.csr !== undefined) {
    input.csrPem = (await readOrFail(io, values.csr, 'CSR')).toString('utf8');
    try {
      csrPublicKey(input.csrPem);
    } catch {
      throw new UsageError(`CSR file ${values.csr} does not contain a certificate signing request`);
    }
  }
  if (at) input.at = at;
  const crls = [];
  for (const file of values.crl ?? []) crls.push(await readOrFail(io, file, 'CRL'));
  if (crls.length > 0) input.crls = crls;
  if (values['pkcs12-password-file'] !== undefined) {
    const text = (await readOrFail(io, values['pkcs12-password-file'], 'password file')).toString('utf8');
    input.pkcs12Passwords = text.split(/\r?\n/).filter((line) => line.length > 0);
  }
  if (values['max-chain-depth'] !== undefined) {
    const depth = Number(values['max-chain-depth']);
    if (!Number.isInteger(depth) || depth < 0 || depth > 32)
      throw new UsageError(`--max-chain-depth ${values['max-chain-depth']} is not a whole number from 0 to 32`);
    input.maxChainDepth = depth;
  }
  if (values.aia) input.fetchIssuer = createAiaFetcher({ onError: (m) => io.stderr(`certdesk check-bundle: ${m}\n`) });
  return { input, json: values.json ?? false };
}

/** The report for a person: verdict, leaf, chain, and every finding with its message. */
export function formatBundleReport(report: BundleReport, domain: string): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [`${domain}: ${report.ok ? 'ACCEPTED' : 'REJECTED'} (${count(errors, 'error')}, ${count(warnings, 'warning')})`];
  if (report.leaf) {
    const l = report.leaf;
    lines.push(
      '',
      'Certificate',
      ...[
        ['subject', l.subject],
        ['issuer', l.issuer],
        ['names', l.dnsNames.join(', ') || '(none)'],
        ['valid', `${l.notBefore} → ${l.notAfter}`],
        ['key', `${l.keyType.toUpperCase()} ${l.keyBits} bits`],
        ['serial', l.serialNumber],
        ['sha256', l.sha256],
      ].map(([k, v]) => `  ${k!.padEnd(8)} ${v}`),
    );
  }
  if (report.chain.length > 0) {
    lines.push('', 'Chain (leaf first, root left out)');
    report.chain.forEach((c: CertSummary, i) => lines.push(`  ${i + 1}. ${c.subject}  (valid until ${c.notAfter})`));
  }
  for (const added of report.addedIntermediates) lines.push(`  added from ${added.url}: ${added.subject}`);
  if (report.revocation) lines.push('', `Revocation: ${report.revocation.note}`);
  lines.push('', report.findings.length === 0 ? 'Findings: none' : 'Findings');
  for (const f of report.findings) lines.push(`  ${f.severity.padEnd(7)} ${f.code}: ${f.message}`);
  if (report.privateKeyFiles.length > 0) lines.push('', `Files with a private key (redact them): ${report.privateKeyFiles.join(', ')}`);
  return lines.join('\n') + '\n';
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { input, json } = await parseOptions(argv, io);
  const report = await checkBundle(input);
  io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : formatBundleReport(report, input.domain));
  return report.ok ? EXIT.ok : EXIT.rejected;
}

/** `certdesk check-bundle --domain D [--csr F] [--ca-file F] [--no-system-roots] [--at ISO] [--aia] [--crl F] [--pkcs12-password-file F] [--max-chain-depth N] [--json] FILE...` (DESIGN §3). */
export const checkBundleCommand: CliCommand = {
  name: 'check-bundle',
  usage: USAGE,
  run,
};

export default checkBundleCommand;
