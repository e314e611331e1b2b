import { shortName } from './describe-certificate.js';
import { findPemBlocks } from './find-pem-blocks.js';
import type { Limits } from './limits.js';
import type { ParsedCertificate } from './parse-certificate.js';
import { crlSignedBy, parseCrl, serialKey, type ParsedCrl } from './parse-crl.js';
import { queryOcsp } from './query-ocsp.js';

/** What checkBundle learnt about revocation of the path's certificates. */
export interface RevocationState {
  /** Certificates a valid CRL of their issuer lists as revoked (on or before the validation time). */
  revoked: { cert: ParsedCertificate; date: Date; source: string }[];
  /** Every certificate on the path that names a CRL or OCSP URL, or has a CRL given, was checked against a valid CRL. */
  checked: boolean;
  /** One sentence for the report: what was checked, or why not. */
  note: string;
}

export interface RevocationInput {
  /** Leaf first, then intermediates (a trusted path). */
  chain: ParsedCertificate[];
  anchor: ParsedCertificate;
  /** CRLs the caller already holds (PEM "X509 CRL" blocks or DER). */
  crls: readonly (string | Uint8Array)[];
  /** The injected fetcher (SSRF-guarded); absent ⇒ offline. */
  fetch?: (url: string) => Promise<Buffer | null>;
  at: Date;
  limits: Limits;
}

interface Candidate {
  crl: ParsedCrl;
  source: string;
}

/**
 * Checks each certificate of a trusted path against its issuer's CRL: the CRLs given, and (with a
 * fetcher) the certificate's cRLDistributionPoints, at most `limits.maxCrlFetches` downloads. A CRL
 * counts only when the issuer's key signed it; one that breaks RFC 5280's CRL profile (no CRL
 * number, a critical one, an issuer whose keyUsage lacks cRLSign, an unknown critical extension,
 * delta or partitioned) or is out of date leaves that certificate unchecked; then, with a fetcher,
 * its OCSP responder is asked (query-ocsp.ts, at most `limits.maxOcspQueries`). Unchecked is never
 * an error: like browsers, certdesk soft-fails when revocation cannot be established, and says so.
 * Returns undefined when there is nothing to check or say.
 */
export async function gatherRevocation(input: RevocationInput): Promise<RevocationState | undefined> {
  const given = parseGiven(input.crls);
  const downloads = new Map<string, ParsedCrl | null>();
  const revoked: RevocationState['revoked'] = [];
  const unchecked: string[] = [];
  let checkedCount = 0;
  let ocspQueries = 0;

  for (const [i, cert] of input.chain.entries()) {
    const issuer = input.chain[i + 1] ?? input.anchor;
    const urls = cert.crlUrls.filter((u) => /^https?:\/\//i.test(u));
    const candidates: Candidate[] = given.filter((c) => c.issuerKey === cert.issuerKey).map((crl) => ({ crl, source: 'a revocation list given to certdesk' }));
    let fetchFailure: string | undefined;
    if (input.fetch) {
      for (const url of urls) {
        const crl = await download(url, input, downloads);
        if (crl === undefined) {
          fetchFailure = `certdesk downloads at most ${input.limits.maxCrlFetches} revocation lists per submission`;
          break;
        }
        if (crl === null) fetchFailure = `we could not download a revocation list from ${url}`;
        else if (crl.issuerKey !== cert.issuerKey) fetchFailure = `the list at ${url} is not its issuer's`;
        else {
          candidates.push({ crl, source: url });
          break;
        }
      }
    }
    let verdict: Verdict | undefined = candidates.length > 0 ? judge(cert, issuer, candidates, input.at) : undefined;
    const ocspUrl = cert.ocspUrls.find((u) => /^https?:\/\//i.test(u));
    // OCSP when no CRL settled it: the responder's signed answer about this one certificate.
    if (verdict?.kind !== 'good' && verdict?.kind !== 'revoked' && input.fetch && ocspUrl && ocspQueries < input.limits.maxOcspQueries) {
      ocspQueries++;
      const answer = await queryOcsp(ocspUrl, cert, issuer, input.at, input.fetch);
      if (answer.kind === 'revoked') verdict = { kind: 'revoked', date: answer.date, source: `the OCSP responder at ${ocspUrl}` };
      else if (answer.kind === 'good') verdict = answer;
      else verdict = { kind: 'unchecked', why: verdict ? `${verdict.why}; ${answer.why}` : answer.why };
    }
    if (!verdict) {
      const offline = input.fetch === undefined;
      if (offline && (urls.length > 0 || ocspUrl)) {
        const what = urls.length > 0 ? `its revocation list (${urls[0]}) was not downloaded` : `its OCSP responder (${ocspUrl}) was not asked`;
        unchecked.push(`“${shortName(cert)}”: certdesk works offline here (AIA_FETCH=off), so ${what}`);
      } else if (urls.length > 0 || ocspUrl) {
        unchecked.push(`“${shortName(cert)}”: ${fetchFailure ?? `certdesk asks at most ${input.limits.maxOcspQueries} OCSP responders per submission`}`);
      }
      continue;
    }
    if (verdict.kind === 'revoked') revoked.push({ cert, date: verdict.date, source: verdict.source });
    if (verdict.kind === 'unchecked') unchecked.push(`“${shortName(cert)}”: ${verdict.why}`);
    else checkedCount++;
  }

  if (checkedCount === 0 && unchecked.length === 0) return undefined;
  const checked = unchecked.length === 0;
  const note = checked
    ? `Revocation was checked: ${revoked.length === 0 ? `no certificate on the chain is revoked (${checkedCount} checked against their certificate authority's revocation lists or OCSP responder)` : `${revoked.length} certificate(s) on the chain are revoked`}.`
    : `Revocation was not checked for ${unchecked.join('; ')}.${checkedCount > 0 ? ` ${checkedCount} other certificate(s) were checked.` : ''}`;
  return { revoked, checked, note };
}

type Verdict = { kind: 'good' } | { kind: 'revoked'; date: Date; source: string } | { kind: 'unchecked'; why: string };

/** The first candidate the issuer really signed decides (RFC 5280 §6.3.3). */
function judge(cert: ParsedCertificate, issuer: ParsedCertificate, candidates: Candidate[], at: Date): Verdict {
  let why = 'no revocation list signed by its issuer was found';
  for (const { crl, source } of candidates) {
    if (!crlSignedBy(crl, issuer.publicKey.keyObject)) continue;
    const problems = [...crl.problems];
    if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) problems.push(`its issuer's keyUsage does not allow signing revocation lists (cRLSign)`);
    if (problems.length > 0) {
      why = `the revocation list from ${source} is not valid: ${problems.join('; ')}`;
      continue;
    }
    const date = crl.revoked.get(serialKey(cert.serial));
    if (date && date <= at) return { kind: 'revoked', date, source };
    if (crl.thisUpdate > at) {
      why = `the revocation list from ${source} was issued after the time checked`;
      continue;
    }
    if (crl.nextUpdate && crl.nextUpdate < at) {
      why = `the revocation list from ${source} is out of date (its next update was due ${crl.nextUpdate.toISOString()})`;
      continue;
    }
    return { kind: 'good' };
  }
  return { kind: 'unchecked', why };
}

/** CRLs as text (PEM) or bytes (DER, or PEM when they start like text). */
function parseGiven(crls: readonly (string | Uint8Array)[]): ParsedCrl[] {
  const ders = crls.flatMap((c): Uint8Array[] => {
    if (typeof c !== 'string' && c[0] !== 0x2d) return [c];
    const text = typeof c === 'string' ? c : Buffer.from(c).toString('latin1');
    return findPemBlocks(text, 64)
      .filter((b) => b.label === 'X509 CRL' && b.der)
      .map((b) => b.der!);
  });
  return ders.flatMap((der) => {
    try {
      return [parseCrl(der)];
    } catch {
      return [];
    }
  });
}

/** A CRL from a distribution point (DER, or PEM as some CAs serve it); null on failure; undefined past the budget. */
async function download(url: string, input: RevocationInput, cache: Map<string, ParsedCrl | null>): Promise<ParsedCrl | null | undefined> {
  if (cache.has(url)) return cache.get(url)!;
  if (cache.size >= input.limits.maxCrlFetches) return undefined;
  let crl: ParsedCrl | null = null;
  try {
    const bytes = await input.fetch!(url);
    if (bytes && bytes.length > 0 && bytes.length <= input.limits.maxFileBytes) {
      crl = bytes[0] === 0x2d ? (parseGiven([bytes])[0] ?? null) : parseCrl(bytes);
    }
  } catch {
    crl = null;
  }
  cache.set(url, crl);
  return crl;
}
