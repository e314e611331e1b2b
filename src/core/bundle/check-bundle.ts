import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { buildFullchain } from './build-fullchain.js';
import { buildPath, type PathInput, type PathResult } from './build-path.js';
import type { BundleContext } from './bundle-context.js';
import { runBundleChecks } from './bundle-checks.js';
import { isSelfSigned } from './chain-checks.js';
import { dnsNameMatches, normalizeHostname } from './check-hostname.js';
import { csrPublicKey } from './csr-public-key.js';
import { downloadIssuers } from './download-issuers.js';
import { extractCertificates } from './extract-certificates.js';
import { gatherRevocation } from './gather-revocation.js';
import { RESEND, type Source } from './extraction-context.js';
import { finding, type Finding } from './findings.js';
import { LIMITS } from './limits.js';
import { CertificateParseError, parseCertificate, type ParsedCertificate } from './parse-certificate.js';
import { summarizeCertificate } from './summarize-certificate.js';
import { buildTrustAnchors } from './trust-anchors.js';
import type { BundleReport, CheckBundleInput } from './types.js';

/** Node's bundled Mozilla store: browsers trust these roots as they are. */
const VETTED_ROOTS: ReadonlySet<string> = new Set(tls.rootCertificates);

/**
 * Validates what a customer sent as their new certificate for `domain` (DESIGN §2): finds the
 * certificates in any format, picks the leaf (the CSR's key, else the first non-CA certificate),
 * builds and checks the path to a trusted root, and returns a report whose findings say, in plain
 * words and by file, what is wrong; with `fullchainPem` when acceptable.
 *
 * Content never makes it throw: anything wrong with the files is a finding. It throws TypeError
 * only for a malformed call (a `csrPem` that is not a CSR, an invalid `at`). `at` defaults to now — the only clock
 * read in the bundle core. Without `fetchIssuer` it does no I/O.
 */
export async function checkBundle(input: CheckBundleInput): Promise<BundleReport> {
  const requested = input.at ?? new Date();
  if (Number.isNaN(requested.getTime())) throw new TypeError('at is not a valid date');
  // Certificate times have one-second granularity: compare at that granularity (x509-limbo notafter-fractional).
  const at = new Date(Math.floor(requested.getTime() / 1000) * 1000);
  const csrKey = input.csrPem === undefined ? undefined : csrPublicKey(input.csrPem);
  const anchors = buildTrustAnchors([...(input.useSystemRoots === false ? [] : tls.rootCertificates), ...(input.trustedRootsPem ?? [])], VETTED_ROOTS);
  const extraction = await extractCertificates(input.files, LIMITS, { pkcs12Passwords: input.pkcs12Passwords ?? [] });
  const { certificates, sources, occurrences, parseFindings } = parseAll(extraction.certificates);

  const isCa = (c: ParsedCertificate) => c.basicConstraints?.ca === true;
  const matching = csrKey ? certificates.filter((c) => c.publicKey.keyObject?.equals(csrKey)) : [];
  const domain = normalizeHostname(input.domain);
  // Only CA certificates: one naming the site is still the one the customer meant (a self-signed "CA" from openssl req -x509).
  const namesSite = (c: ParsedCertificate) => [...(c.subjectAltName?.dnsNames ?? []), ...c.commonNames].some((n) => dnsNameMatches(n, domain));
  const leaf = matching.find((c) => !isCa(c)) ?? matching[0] ?? certificates.find((c) => !isCa(c)) ?? certificates.find(namesSite);
  const aia: BundleContext['aia'] = { added: [], failed: [] };
  const path = leaf
    ? await buildPathWithAia(
        { leaf, intermediates: [], anchors, at, limits: LIMITS, ...(input.maxChainDepth !== undefined ? { maxChainDepth: input.maxChainDepth } : {}) },
        certificates,
        input.fetchIssuer,
        aia,
      )
    : undefined;

  const revocation =
    path?.anchor !== undefined
      ? await gatherRevocation({
          chain: path.chain,
          anchor: path.anchor,
          crls: input.crls ?? [],
          ...(input.fetchIssuer ? { fetch: input.fetchIssuer } : {}),
          at,
          limits: LIMITS,
        })
      : undefined;

  const ctx: BundleContext = {
    domain,
    at,
    extraction,
    parseFindings,
    fileNames: input.files.map((f) => f.name),
    occurrences,
    certificates: [...certificates, ...aia.added.map((a) => a.cert)],
    sources,
    ...(csrKey ? { csr: { matching } } : {}),
    ...(leaf ? { leaf } : {}),
    ...(path ? { path } : {}),
    anchors,
    ...(input.currentCertSha256 ? { currentCertSha256: input.currentCertSha256 } : {}),
    ...(revocation ? { revocation } : {}),
    aia,
  };
  const findings = runBundleChecks(ctx);
  const ok = !findings.some((f) => f.severity === 'error');
  const chain = path?.chain ?? [];
  return {
    ok,
    findings,
    ...(leaf ? { leaf: summarizeCertificate(leaf) } : {}),
    chain: chain.map(summarizeCertificate),
    ...(ok && chain.length > 0 ? { fullchainPem: buildFullchain(chain) } : {}),
    privateKeyFiles: extraction.privateKeyFiles,
    addedIntermediates: aia.added.filter((a) => chain.includes(a.cert)).map((a) => ({ url: a.url, subject: a.cert.subject, sha256: a.cert.sha256 })),
    ...(revocation ? { revocation: { checked: revocation.checked, note: revocation.note } } : {}),
  };
}

/** Parses each distinct certificate once (by SHA-256), remembering every place it was found. */
function parseAll(extracted: { der: Uint8Array; source: Source }[]) {
  const certificates: ParsedCertificate[] = [];
  const sources = new Map<string, Source[]>();
  const occurrences: { sha256: string; source: Source }[] = [];
  const parseFindings: Finding[] = [];
  const failed = new Set<string>();
  for (const { der, source } of extracted) {
    const sha256 = createHash('sha256').update(der).digest('hex');
    if (failed.has(sha256)) continue;
    if (der.length > LIMITS.maxCertificateBytes) {
      // Refused before parsing: no real certificate comes near this, and web servers choke on such files.
      failed.add(sha256);
      parseFindings.push(
        finding(
          'UNREADABLE',
          `${source.path} contains a certificate of ${Math.ceil(der.length / 1024)} KiB; certificates are a few KiB, and certdesk refuses any over ` +
            `${LIMITS.maxCertificateBytes / 1024} KiB. Please send the certificate your certificate authority issued for the CSR in this ticket.`,
          source.file,
        ),
      );
      continue;
    }
    if (!sources.has(sha256)) {
      try {
        certificates.push(parseCertificate(der));
      } catch (error) {
        if (!(error instanceof CertificateParseError)) throw error;
        failed.add(sha256);
        parseFindings.push(
          finding('UNREADABLE', `${source.path} could not be read: it contains a certificate that is damaged or not valid X.509. ${RESEND}`, source.file),
        );
        continue;
      }
    }
    sources.set(sha256, [...(sources.get(sha256) ?? []), source]);
    occurrences.push({ sha256, source });
  }
  return { certificates, sources, occurrences, parseFindings };
}

/**
 * Builds the path; while it stops at a certificate whose issuer is missing, asks `fetchIssuer` for
 * that certificate's AIA caIssuers URL (at most LIMITS.maxAiaFetches times) and tries again with
 * what really signed it.
 */
async function buildPathWithAia(
  base: PathInput,
  certificates: ParsedCertificate[],
  fetchIssuer: CheckBundleInput['fetchIssuer'],
  aia: BundleContext['aia'],
): Promise<PathResult> {
  const leaf = base.leaf;
  const intermediates = certificates.filter((c) => c !== leaf);
  let path = buildPath({ ...base, intermediates });
  const tried = new Set<string>();
  while (fetchIssuer && !path.anchor && tried.size < LIMITS.maxAiaFetches) {
    const top = path.chain[path.chain.length - 1]!;
    // Also when a same-name certificate was sent but did not sign it: the right one may be at the URL.
    if (isSelfSigned(top)) break;
    const url = top.caIssuers.find((u) => /^https?:\/\//i.test(u) && !tried.has(u));
    if (!url) break;
    tried.add(url);
    const known = new Set([...intermediates, leaf].map((c) => c.sha256));
    const issuers = (await downloadIssuers(url, top, fetchIssuer)).filter((c) => !known.has(c.sha256));
    if (issuers.length === 0) {
      aia.failed.push(url);
      break;
    }
    for (const cert of issuers) aia.added.push({ url, cert });
    intermediates.push(...issuers);
    path = buildPath({ ...base, intermediates });
  }
  return path;
}
