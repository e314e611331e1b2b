import { verifySignature, type LinkFailure } from './build-path.js';
import type { BundleCheck, BundleContext } from './bundle-context.js';
import { describeCertificate, formatDate, listSome } from './describe-certificate.js';
import { finding, type Finding } from './findings.js';
import { capitalize } from './leaf-checks.js';
import type { ParsedCertificate } from './parse-certificate.js';
import { caProfileProblems, leafProfileProblems } from './profile-problems.js';

/** Checks about the path from the leaf to a trusted root and every certificate on it. */

const fileOf = (ctx: BundleContext, cert: ParsedCertificate) => ctx.sources.get(cert.sha256)?.[0]?.file;

/** A self-signed certificate: its own issuer and its own key signed it. */
export function isSelfSigned(cert: ParsedCertificate): boolean {
  return cert.selfIssued && verifySignature(cert, cert);
}

/** A trust anchor itself (self-issued, same name and key as an anchor) — not a cross-signed copy of one. */
export function isTrustAnchor(ctx: BundleContext, cert: ParsedCertificate): boolean {
  return cert.selfIssued && ctx.anchors.contains(cert);
}

/** Leaf and intermediates of the (possibly partial) path, without an untrusted self-signed top. */
function signedChain(ctx: BundleContext): ParsedCertificate[] {
  const chain = ctx.path?.chain ?? [];
  const top = chain[chain.length - 1];
  return !ctx.path?.anchor && chain.length > 1 && top && isSelfSigned(top) ? chain.slice(0, -1) : chain;
}

/** Every certificate on the path whose properties count: leaf, intermediates and the anchor. */
function pathCertificates(ctx: BundleContext): ParsedCertificate[] {
  const chain = ctx.path?.chain ?? [];
  return ctx.path?.anchor ? [...chain, ctx.path.anchor] : chain;
}

export const checkTrust: BundleCheck = (ctx) => {
  const path = ctx.path;
  if (!ctx.leaf || !path || path.anchor) return [];
  const top = path.chain[path.chain.length - 1]!;
  const file = fileOf(ctx, top);
  if (isSelfSigned(top)) {
    const message =
      top === ctx.leaf
        ? `${capitalize(describeCertificate(ctx, top))} is self-signed: browsers do not trust it. Please send the certificate your certificate authority issued.`
        : `The chain for ${ctx.domain} ends at ${describeCertificate(ctx, top)}, which browsers do not trust. ` +
          `Please ask your certificate authority for a certificate that chains to a root browsers trust.`;
    return [finding('UNTRUSTED_ROOT', message, file)];
  }
  if (path.budgetExhausted) {
    return [
      finding(
        'INCOMPLETE_CHAIN',
        `We could not work out the chain for ${describeCertificate(ctx, top)}: the files contain too many certificates with the same names. ` +
          `Please send only your certificate and the intermediate certificate(s) for it.`,
        file,
      ),
    ];
  }
  const failures = path.failures.filter((f) => f.child === top);
  if (failures.length > 0) {
    const code = failures.every((f) => f.issuerIsAnchor) ? 'UNTRUSTED_ROOT' : 'INCOMPLETE_CHAIN';
    const reasons = failures.map((f) => `${describeCertificate(ctx, f.issuer)} cannot have issued it: ${f.reason}`);
    return [
      finding(
        code,
        `${capitalize(describeCertificate(ctx, top))} was issued by “${issuerName(top)}”, but ${listSome(unique(reasons), 3)}. ` + nextStep(failures),
        fileOf(ctx, failures.find((f) => !f.issuerIsAnchor)?.issuer ?? top) ?? file,
      ),
    ];
  }
  const tried = ctx.aia.failed.length > 0 ? ` We also tried to download it from ${ctx.aia.failed.join(', ')}, without success.` : '';
  return [
    finding(
      'INCOMPLETE_CHAIN',
      `The certificate that issued ${describeCertificate(ctx, top)} — “${issuerName(top)}” — is missing, and it is not a root ` +
        `certificate browsers trust.${tried} Please also send the intermediate certificate(s) your certificate authority ` +
        `provided with your certificate (often a file named ca-bundle, chain or intermediate).`,
      file,
    ),
  ];
};

function issuerName(cert: ParsedCertificate): string {
  return /CN=([^,]+)/.exec(cert.issuer)?.[1] ?? cert.issuer;
}

function nextStep(failures: LinkFailure[]): string {
  if (failures.every((f) => f.issuerIsAnchor))
    return 'Please ask your certificate authority for a certificate that chains to a root browsers trust and that allows it.';
  return 'Please send the intermediate certificate(s) your certificate authority provided with this certificate.';
}

export const checkValidity: BundleCheck = (ctx) => {
  const out: Finding[] = [];
  for (const cert of pathCertificates(ctx)) {
    const what = describeCertificate(ctx, cert);
    if (ctx.at > cert.notAfter) {
      const fix =
        cert === ctx.leaf
          ? ' Please send the renewed certificate, issued for the CSR in this ticket.'
          : ' The chain needs a current version of it: please send it (your certificate authority provides it).';
      out.push(finding('EXPIRED', `${capitalize(what)} expired on ${formatDate(cert.notAfter)}.${fix}`, fileOf(ctx, cert)));
    } else if (ctx.at < cert.notBefore) {
      out.push(
        finding(
          'NOT_YET_VALID',
          `${capitalize(what)} is not valid before ${formatDate(cert.notBefore)}. Please reply again once it is, or ask your certificate authority for one valid now.`,
          fileOf(ctx, cert),
        ),
      );
    }
  }
  return out;
};

export const checkRevoked: BundleCheck = (ctx) =>
  (ctx.revocation?.revoked ?? []).map(({ cert, date, source }) =>
    finding(
      'REVOKED',
      `${capitalize(describeCertificate(ctx, cert))} has been revoked by its certificate authority (on ${formatDate(date)}, ` +
        `according to ${/^https?:/i.test(source) ? `the revocation list at ${source}` : source}): browsers refuse it. ` +
        (cert === ctx.leaf
          ? 'Please ask your certificate authority for a new certificate, issued for the CSR in this ticket.'
          : 'The chain needs a current intermediate certificate that is not revoked; please ask your certificate authority for it.'),
      fileOf(ctx, cert),
    ),
  );

export const checkSignatureAlgorithms: BundleCheck = (ctx) =>
  signedChain(ctx)
    .filter((c) => c.signatureAlgorithm.weak)
    .map((c) =>
      finding(
        'WEAK_SIGNATURE',
        `${capitalize(describeCertificate(ctx, c))} is signed with ${c.signatureAlgorithm.name}, a broken algorithm browsers reject. ` +
          `Please ask your certificate authority to reissue it with SHA-256.`,
        fileOf(ctx, c),
      ),
    );

export const checkKeys: BundleCheck = (ctx) =>
  pathCertificates(ctx)
    .filter((c) => (c.publicKey.type === 'rsa' && c.publicKey.bits < 2048) || (c.publicKey.type === 'ec' && c.publicKey.bits < 256))
    .map((c) =>
      finding(
        'WEAK_KEY',
        `${capitalize(describeCertificate(ctx, c))} has ${c.publicKey.type === 'rsa' ? `an RSA key of ${c.publicKey.bits} bits` : `an EC key on curve ${c.publicKey.curve ?? 'unknown'} (${c.publicKey.bits} bits)`}, ` +
          `weaker than the minimum browsers accept (RSA 2048 bits, or EC P-256). ` +
          (c === ctx.leaf
            ? 'Please order the certificate again with the CSR in this ticket, whose key is strong enough.'
            : 'Please ask your certificate authority for a chain with stronger keys.'),
        fileOf(ctx, c),
      ),
    );

export const checkProfiles: BundleCheck = (ctx) =>
  signedChain(ctx).flatMap((c) => {
    const problems = [...c.profileProblems, ...(c === ctx.leaf ? leafProfileProblems(c) : caProfileProblems(c))];
    if (problems.length === 0) return [];
    return [
      finding(
        'INVALID_CERTIFICATE',
        `${capitalize(describeCertificate(ctx, c))} breaks the rules browsers apply to certificates: ${listSome(unique(problems), 6)}. ` +
          `Please ask your certificate authority to reissue it.`,
        fileOf(ctx, c),
      ),
    ];
  });

export const checkRootIncluded: BundleCheck = (ctx) =>
  ctx.certificates
    .filter((c) => c !== ctx.leaf && ctx.sources.has(c.sha256) && isTrustAnchor(ctx, c))
    .map((c) =>
      finding(
        'ROOT_INCLUDED',
        `You also sent ${describeCertificate(ctx, c)}. Browsers already have it, so it is left out of the installed chain.`,
        fileOf(ctx, c),
      ),
    );

export const checkOrder: BundleCheck = (ctx) => {
  const path = ctx.path;
  if (!path?.anchor) return [];
  const position = new Map<string, number>([...path.chain, path.anchor].map((c, i) => [c.sha256, i]));
  const byFile = new Map<string, { file: string; positions: number[] }>();
  for (const { sha256, source } of ctx.occurrences) {
    const p = position.get(sha256);
    if (p === undefined || source.unordered) continue;
    const entry = byFile.get(source.path) ?? { file: source.file, positions: [] };
    // A certificate repeated later in the same file says nothing about order.
    if (!entry.positions.includes(p)) entry.positions.push(p);
    byFile.set(source.path, entry);
  }
  const out: Finding[] = [];
  for (const [name, { file, positions }] of byFile) {
    if (positions.some((p, i) => i > 0 && p < positions[i - 1]!)) {
      out.push(
        finding(
          'REORDERED',
          `The certificates in ${name} were not in the order a web server needs (your certificate first, then each issuer in turn); we put them in order.`,
          file,
        ),
      );
    }
  }
  for (const { url, cert } of ctx.aia.added) {
    if (!path.chain.includes(cert)) continue;
    out.push(
      finding(
        'REORDERED',
        `${capitalize(describeCertificate(ctx, cert))} was missing from what you sent; we downloaded it from ${url} ` +
          `(the address given in the certificate) and added it to the chain.`,
      ),
    );
  }
  return out;
};

export const checkExtraCertificates: BundleCheck = (ctx) => {
  const path = ctx.path;
  if (!path?.anchor) return [];
  const used = new Set([...path.chain, path.anchor].map((c) => c.sha256));
  return ctx.certificates
    .filter((c) => !used.has(c.sha256) && ctx.sources.has(c.sha256) && !isTrustAnchor(ctx, c))
    .map((c) =>
      finding('EXTRA_CERTIFICATES', `${capitalize(describeCertificate(ctx, c))} is not part of the chain for ${ctx.domain}; it is left out.`, fileOf(ctx, c)),
    );
};

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
