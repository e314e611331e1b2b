import { rsaModulusProblems, UNDERSTOOD_EXTENSIONS, type ParsedCertificate } from './parse-certificate.js';
import { OID } from './decode-extensions.js';
import { formatIp } from './check-name-constraints.js';
import { isValidDnsName } from './check-hostname.js';
import { LIMITS } from './limits.js';

/**
 * Profile rules that depend on the certificate's role, as pyca/cryptography's WebPKI policy and
 * RFC 5280 apply them to what a relying party sees. Each returns phrases for INVALID_CERTIFICATE.
 */

/** Rules for the server (end-entity) certificate. */
export function leafProfileProblems(cert: ParsedCertificate): string[] {
  const problems: string[] = [];
  const san = cert.subjectAltName;
  const sanNames = new Set([...(san?.dnsNames ?? []), ...(san?.ipAddresses ?? []).map(formatIp)]);
  for (const cn of cert.commonNames) {
    if (!commonNameAllowed(cn, san?.dnsNames ?? [], sanNames)) problems.push(`its common name “${cn}” is not one of its subjectAltName names`);
  }
  const sanCount = san ? san.dnsNames.length + san.ipAddresses.length + san.otherForms : 0;
  if (sanCount > LIMITS.maxSanEntries) problems.push(`its subjectAltName lists ${sanCount} names, more than the ${LIMITS.maxSanEntries} certdesk accepts`);
  // BR 7.1.4.2.1: host names in preferred syntax (no underscores), a wildcard only as the whole left-most label.
  const badNames = (san?.dnsNames ?? []).filter((n) => !isValidDnsName(n.toLowerCase(), true) || n.includes('_'));
  if (badNames.length > 0)
    problems.push(
      `its subjectAltName lists ${badNames
        .slice(0, 3)
        .map((n) => `“${n}”`)
        .join(', ')}, which ${badNames.length === 1 ? 'is not a valid host name' : 'are not valid host names'}`,
    );
  if (cert.keyUsage?.has('keyCertSign') && !cert.basicConstraints?.ca) problems.push('its keyUsage includes keyCertSign, which only CA certificates may have');
  if (!cert.extensions.some((e) => e.oid === OID.authorityKeyId)) problems.push('it has no authorityKeyIdentifier extension');
  const sanExt = cert.extensions.find((e) => e.oid === OID.subjectAltName);
  if (sanExt && cert.subjectEmpty && !sanExt.critical) problems.push('its subject is empty but its subjectAltName is not marked critical');
  if (sanExt && !cert.subjectEmpty && sanExt.critical) problems.push('its subjectAltName is marked critical although it has a subject');
  if (cert.extensions.some((e) => e.oid === OID.nameConstraints)) problems.push('it has a nameConstraints extension, which only CA certificates may have');
  if (cert.basicConstraints && !cert.basicConstraints.ca && cert.basicConstraints.pathLen !== undefined) {
    problems.push('its basicConstraints set a path length without being a CA');
  }
  return problems;
}

/** Rules for an intermediate CA certificate. */
export function caProfileProblems(cert: ParsedCertificate): string[] {
  const problems: string[] = [];
  const bc = cert.extensions.find((e) => e.oid === OID.basicConstraints);
  if (bc && !bc.critical) problems.push('its basicConstraints extension is not marked critical');
  if (!cert.extensions.some((e) => e.oid === OID.keyUsage)) problems.push('it has no keyUsage extension');
  const nc = cert.nameConstraints;
  if (nc && [nc.permitted, nc.excluded].every((t) => t.dnsNames.length + t.ipAddresses.length + t.otherForms === 0)) {
    problems.push('its nameConstraints extension is empty');
  }
  const aki = cert.authorityKeyId;
  if (aki && (!aki.keyId || aki.hasIssuerAndSerial)) problems.push('its authorityKeyIdentifier does not consist of a key identifier alone');
  if (cert.extensions.some((e) => e.oid === OID.subjectKeyId && e.critical)) problems.push('its subjectKeyIdentifier extension is marked critical');
  // RFC 5280 §4.2.1.1/§4.2.1.2: both identifiers MUST be in every CA certificate; path building relies on them.
  if (!cert.selfIssued && !aki?.keyId) problems.push('it has no authorityKeyIdentifier naming the key that signed it');
  if (!cert.subjectKeyId) problems.push('it has no subjectKeyIdentifier extension');
  if (cert.extensions.some((e) => e.oid === OID.policyConstraints && !e.critical)) problems.push('its policyConstraints extension is not marked critical');
  return problems;
}

/**
 * BR 7.1.4.3: a common name is a character-for-character copy of a subjectAltName entry. Browsers
 * ignore the common name, so certdesk refuses a CN that is a copy gone wrong (another case, IDN form
 * or IP spelling) or that names a host outside the SANs. A
 * CN naming the domain the SANs lie under ("example.com" with "*.example.com" or
 * "www.example.com") is accepted, as browsers accept it: the certificate works.
 */
function commonNameAllowed(cn: string, dnsNames: string[], sanNames: Set<string>): boolean {
  if (sanNames.has(cn)) return true;
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(cn)) return false;
  return dnsNames.some((n) => n.toLowerCase() === n && n.endsWith(`.${cn}`));
}

/**
 * Rules for a trust anchor, checked when a path would end at it (as pyca/cryptography and
 * rustls-webpki check roots): what no root in Mozilla's store breaks applies to every anchor; the
 * CA profile's finer points (basicConstraints critical, a subjectKeyIdentifier, the form of the
 * authorityKeyIdentifier) only to anchors outside the browser-vetted store, since a few roots
 * browsers trust as they are break them.
 */
export function anchorProfileProblems(cert: ParsedCertificate, vetted: boolean): string[] {
  const problems: string[] = [];
  const ext = (oid: string) => cert.extensions.find((e) => e.oid === oid);
  for (const e of cert.extensions) {
    if (e.critical && !UNDERSTOOD_IN_ANCHORS.has(e.oid)) problems.push(`it has a critical extension browsers do not understand (${e.oid})`);
  }
  if (ext(OID.authorityKeyId)?.critical) problems.push('its authorityKeyIdentifier extension is marked critical, which is not allowed');
  if (ext(OID.subjectKeyId)?.critical) problems.push('its subjectKeyIdentifier extension is marked critical, which is not allowed');
  if (cert.extKeyUsage) problems.push('it has an extendedKeyUsage extension, which root certificates must not have');
  problems.push(...rsaModulusProblems(cert.publicKey));
  if (vetted) return problems;
  const bc = ext(OID.basicConstraints);
  if (bc && !bc.critical) problems.push('its basicConstraints extension is not marked critical');
  if (!cert.subjectKeyId) problems.push('it has no subjectKeyIdentifier extension');
  const aki = cert.authorityKeyId;
  if (aki && (!aki.keyId || aki.hasIssuerAndSerial)) problems.push('its authorityKeyIdentifier does not consist of a key identifier alone');
  if (cert.selfIssued && aki?.keyId && cert.subjectKeyId && aki.keyId !== cert.subjectKeyId) {
    problems.push('its authorityKeyIdentifier differs from its own subjectKeyIdentifier');
  }
  // A cross-signed copy of a root without an AKI is still accepted: browsers identify an anchor by name and key alone.
  return problems;
}

const UNDERSTOOD_IN_ANCHORS = new Set<string>(UNDERSTOOD_EXTENSIONS);
