import type { ZendeskComment } from '../../ports/zendesk.js';
import { AttachmentRefusedError } from '../../ports/attachment-refused-error.js';
import { checkBundle } from '../../core/bundle/check-bundle.js';
import { findPkcs12Passwords } from '../../core/bundle/pkcs12-passwords.js';
import type { BundleFile, BundleReport } from '../../core/bundle/types.js';
import type { SkippedFile } from '../../core/messages/bundle-comments.js';
import type { RenewalRecord } from '../../ports/store.js';
import type { RenewalDeps } from './renewal-deps.js';

/** Attachments bigger than this are not downloaded (a CA's ZIP is a few kilobytes). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** At most this many attachments of one reply are examined. */
export const MAX_ATTACHMENTS = 20;
/** The name the pasted text of a reply is reported under. */
export const PASTED_TEXT = 'your reply (pasted text)';

export interface ReplyCheck {
  report: BundleReport;
  skipped: SkippedFile[];
  /** What to remove from the comment: whether its text holds a key, attachments by content URL. */
  redaction: { keyInText: boolean; attachmentUrls: string[] };
  /** The attachments downloaded, by content URL (the key scan reads them again, not Zendesk). */
  downloaded: Map<string, Buffer>;
}

/**
 * Gathers what a customer's reply submitted — its attachments (downloaded through the Zendesk
 * client: allowed hosts only, size capped, files flagged by Zendesk's malware scan left alone)
 * and any PEM pasted in its text, certdesk's own CSR left out — and checks it against the
 * renewal's CSR, the certificate installed today and the trust anchors. A file that also holds
 * the CSR is read like any other (the bundle check passes over CSR blocks): it may carry the
 * certificate, or a key. Files past the limits here are still scanned for keys
 * (`guard-private-keys.ts`).
 */
export async function checkReply(deps: RenewalDeps, renewal: RenewalRecord, comment: ZendeskComment): Promise<ReplyCheck> {
  const files: BundleFile[] = [];
  const byName = new Map<string, string>();
  const skipped: SkippedFile[] = [];
  const downloaded = new Map<string, Buffer>();
  const unique = (name: string) => {
    let n = name || 'attachment';
    for (let i = 2; byName.has(n); i++) n = `${name} (${i})`;
    return n;
  };

  for (const [i, a] of comment.attachments.entries()) {
    if (a.deleted || a.file_name === 'redacted.txt') continue;
    if (i >= MAX_ATTACHMENTS) {
      skipped.push({ name: a.file_name, reason: `a reply can carry at most ${MAX_ATTACHMENTS} files for us to check` });
      continue;
    }
    if (a.malware_scan_result === 'malware_found' && !a.malware_access_override) {
      skipped.push({ name: a.file_name, reason: "Zendesk's malware scan flagged it" });
      continue;
    }
    if (a.size > MAX_ATTACHMENT_BYTES) {
      skipped.push({ name: a.file_name, reason: `it is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` });
      continue;
    }
    let data: Buffer;
    try {
      data = await deps.zendesk.downloadAttachment(a.content_url, MAX_ATTACHMENT_BYTES);
    } catch (error) {
      if (!(error instanceof AttachmentRefusedError)) throw error;
      skipped.push({
        name: a.file_name,
        reason:
          error.reason === 'too_large' ? `it is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` : 'it is not stored where Zendesk keeps attachments',
      });
      continue;
    }
    downloaded.set(a.content_url, data);
    const name = unique(a.file_name);
    byName.set(name, a.content_url);
    files.push({ name, data });
  }

  const text = comment.plain_body || comment.body;
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(text)) {
    const withoutCsr = renewal.csrPem ? text.split(renewal.csrPem.trim()).join('') : text;
    files.push({ name: PASTED_TEXT, data: withoutCsr });
  }

  // A password for a .pfx/.p12 given in the same reply opens it (its key is then found and redacted too); never kept.
  const pkcs12Passwords = findPkcs12Passwords(text);
  const currentCertSha256 = await currentSha256(deps, renewal);
  const report = await checkBundle({
    domain: renewal.site!,
    files,
    ...(pkcs12Passwords.length ? { pkcs12Passwords } : {}),
    ...(renewal.csrPem ? { csrPem: renewal.csrPem } : {}),
    trustedRootsPem: deps.settings.trustedRootsPem,
    at: deps.clock.now(),
    ...(currentCertSha256 ? { currentCertSha256 } : {}),
    ...(deps.fetchIssuer ? { fetchIssuer: deps.fetchIssuer } : {}),
  });
  return {
    report,
    skipped,
    redaction: {
      keyInText: report.privateKeyFiles.includes(PASTED_TEXT),
      attachmentUrls: report.privateKeyFiles.map((f) => byName.get(f)).filter((u): u is string => u !== undefined),
    },
    downloaded,
  };
}

async function currentSha256(deps: RenewalDeps, renewal: RenewalRecord): Promise<string | undefined> {
  return renewal.site ? (await deps.store.sites.get(renewal.site))?.certSha256 : undefined;
}

/** A quick look, without downloading: does this reply seem to carry a certificate? */
export function seemsToCarryCertificate(comment: ZendeskComment): boolean {
  return (
    /-----BEGIN (CERTIFICATE|PKCS7)-----/.test(comment.plain_body || comment.body) ||
    comment.attachments.some((a) => /\.(crt|cer|pem|p7b|p7c|der|zip|ca-bundle|eml)$/i.test(a.file_name))
  );
}
