import type { ParsedCertificate } from './parse-certificate.js';
import { OID } from './decode-extensions.js';
import { formatIp } from './check-name-constraints.js';

/**
 * Profile rules that depend on the certificate's role, as pyca/cryptography's WebPKI policy and
 * RFC 5280 apply them to what a relying party sees. Each returns phrases for INVALID_CERTIFICATE.
 */

/** Rules for the server (end-entity) certificate. */
export function leafProfileProblems(cert: ParsedCertificate): string[] {
  const problems: string[] = [];
  const san = cert.subjectAltName;
  const sanNames = new Set([...(san?.dnsNames ?? []).map((n) => n.toLowerCase()), ...(san?.ipAddresses ?? []).map(formatIp)]);
  for (const cn of cert.commonNames) {
    if (!sanNames.has(cn.toLowerCase())) problems.push(`its common name “${cn}” is not one of its subjectAltName names`);
  }
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
  return problems;
}
