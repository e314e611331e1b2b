import type { RenewalField } from './types.js';
import { findMyHostnames } from './find-my-hostnames.js';

/** What the renewal-request rule looks at, already split into new text and quoted history. */
export interface RenewalSignals {
  subject: string;
  currentText: string;
  quotedText: string;
  labelsInCurrent: ReadonlySet<RenewalField>;
  labelsInQuoted: ReadonlySet<RenewalField>;
}

// "renewed" alone is usually news ("was renewed last week"), not a request; "needs to be renewed" is one.
const RENEWAL_WORD =
  /\b(?:renew(?:al|als|ing|s)?|re-new(?:al|ing)?|(?:to\s+be|be|get|getting|needs?\s+to\s+be)\s+renewed|expir(?:e|es|ed|ing)|re-?issu(?:e|ed|ing)|erneuer\w*|verlänger\w*|renouvel\w*|verleng\w*|renova\w*)\b/giu;
const CERTIFICATE_WORD = /\b(?:certificates?|certs?|ssl|tls|https(?!:\/)|csr|zertifikat\w*|certificat\w*|certificado\w*|certificaat\w*)\b/giu;
// How far apart "renew" and "certificate" may be to count as one request ("… certificate for
// my.example.com expires on 3 June, could you please renew it?").
const NEAR = 150;

/**
 * DESIGN §1: a ticket clearly asks for a my.domain certificate renewal when it contains the
 * request form (the Site URL label and at least two other labels, in the customer's own text),
 * or words about renewing the certificate (subject or new text) together with a `my.` hostname
 * or the Site URL label anywhere in the message. Priority is the caller's business.
 */
export function detectRenewalRequest(signals: RenewalSignals): boolean {
  if (signals.labelsInCurrent.has('siteUrl') && signals.labelsInCurrent.size >= 3) return true;
  const asksForRenewal = [signals.subject, signals.currentText].some(mentionsCertificateRenewal);
  if (!asksForRenewal) return false;
  if (signals.labelsInCurrent.has('siteUrl') || signals.labelsInQuoted.has('siteUrl')) return true;
  return findMyHostnames([signals.subject, signals.currentText, signals.quotedText].join('\n')).length > 0;
}

/** True when a renewal word and a certificate word are close together in the text. */
export function mentionsCertificateRenewal(text: string): boolean {
  const renewals = [...text.matchAll(RENEWAL_WORD)].map((m) => m.index);
  if (renewals.length === 0) return false;
  const certificates = [...text.matchAll(CERTIFICATE_WORD)].map((m) => m.index);
  return renewals.some((r) => certificates.some((c) => Math.abs(r - c) <= NEAR));
}
