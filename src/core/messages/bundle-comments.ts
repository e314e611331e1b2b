import type { BundleReport, CertSummary } from '../bundle/types.js';
import type { CommentText } from './types.js';
import { formatDate } from './format-date.js';

/** Files certdesk did not open, with why (malware scan, size), so the comment can say so. */
export interface SkippedFile {
  name: string;
  reason: string;
}

/**
 * The public comment when a submission fails validation: every problem in the report's own plain
 * words (each names the file and says what to do), the remarks, and how to try again.
 */
export function bundleInvalidComment(input: { site: string; report: BundleReport; skipped: SkippedFile[] }): CommentText {
  const { site, report, skipped } = input;
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  const lines = ['Hello,', '', `Thank you. We checked what you sent for ${site}, and we cannot install it yet:`, ''];
  for (const f of errors) lines.push(`- ${f.message}`);
  for (const s of skipped) lines.push(`- We did not open “${s.name}”: ${s.reason}.`);
  if (warnings.length > 0) {
    lines.push('', 'Also:');
    for (const f of warnings) lines.push(`- ${f.message}`);
  }
  lines.push(
    '',
    `Please reply to this ticket with the corrected files (or the certificate text pasted into your reply). We check every reply automatically, straight away. The certificate must be issued for the CSR we sent earlier in this ticket (${site}.csr).`,
  );
  return { body: lines.join('\n') };
}

/** The public comment when a submission is valid: received, and installation has started. */
export function installingComment(input: { site: string; leaf: CertSummary; report: BundleReport; skipped: SkippedFile[] }): CommentText {
  const { site, leaf, report, skipped } = input;
  const lines = [
    'Hello,',
    '',
    `Thank you: we received the new certificate for ${site} and it is valid (it expires ${formatDate(new Date(leaf.notAfter))}). We are installing it now and will confirm here when it is live. There is nothing you need to do.`,
  ];
  const remarks = [
    ...report.findings.filter((f) => f.severity === 'warning').map((f) => f.message),
    ...skipped.map((s) => `We did not open “${s.name}”: ${s.reason}.`),
  ];
  if (remarks.length > 0) {
    lines.push('', 'For your information:');
    for (const r of remarks) lines.push(`- ${r}`);
  }
  return { body: lines.join('\n') };
}

/** The internal note with the accepted certificate, for agents. */
export function certificateSummaryNote(input: { site: string; report: BundleReport }): CommentText {
  const { site, report } = input;
  const leaf = report.leaf!;
  const lines = [
    `certdesk: a valid certificate for ${site} was accepted and is being installed.`,
    '',
    `Subject: ${leaf.subject}`,
    `Issuer: ${leaf.issuer}`,
    `SANs: ${leaf.dnsNames.join(', ') || '(none)'}`,
    `Valid: ${leaf.notBefore} → ${leaf.notAfter}`,
    `Serial: ${leaf.serialNumber}`,
    `SHA-256: ${leaf.sha256}`,
    `Key: ${leaf.keyType.toUpperCase()} ${leaf.keyBits} bits`,
    '',
    'Chain (leaf first, root left out):',
    ...report.chain.map((c, i) => `${i + 1}. ${c.subject} — issued by ${c.issuer}, expires ${c.notAfter}`),
  ];
  if (report.addedIntermediates.length > 0) {
    lines.push('', 'Downloaded via AIA (the customer did not send them):', ...report.addedIntermediates.map((a) => `- ${a.subject} from ${a.url}`));
  }
  // Agents need to know when revocation could not be checked (offline, no usable CRL): it never blocks acceptance.
  if (report.revocation) lines.push('', `Revocation: ${report.revocation.note}`);
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  if (warnings.length > 0) lines.push('', 'Remarks:', ...warnings.map((f) => `- [${f.code}] ${f.message}`));
  return { body: lines.join('\n') };
}

/** The internal note when a reply carries a certificate but the renewal is already past that step. */
export function certificateIgnoredNote(input: { state: 'installing' | 'installed' }): CommentText {
  const where = input.state === 'installing' ? 'is being installed' : 'is already installed';
  return {
    body:
      `certdesk: the customer's latest reply seems to carry a certificate, but this renewal's certificate ${where}, so certdesk did not look at it. ` +
      'If the customer needs another certificate installed, handle it yourself or ask them to open a new renewal request.',
  };
}
