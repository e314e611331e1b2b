import type { ZendeskAttachment, ZendeskComment } from '../../ports/zendesk.js';
import { AttachmentRefusedError } from '../../ports/attachment-refused-error.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import { privateKeyInText } from '../../core/bundle/detect-private-key.js';
import { printable } from '../../core/bundle/read-zip.js';
import { redactPrivateKeysHtml } from '../../core/redaction/redact-private-keys-html.js';
import { createKeyMarkerScanner } from '../../core/redaction/key-markers.js';
import { scanForPrivateKeys, type KeyScan } from '../../core/redaction/scan-for-private-keys.js';
import { keyOfSentCertificate } from '../../core/redaction/key-of-sent-certificate.js';
import { keyCheckNote, keyExposedComment, type KeyNotice } from '../../core/messages/key-exposed-comments.js';
import { MAX_ATTACHMENT_BYTES } from './check-reply.js';
import { postOnce } from './post-once.js';
import type { AuditEntry } from '../../ports/store.js';
import type { RenewalDeps } from './renewal-deps.js';

/** Attachments up to the bundle check's download cap are opened (archives, e-mails); larger ones are streamed. */
const MAX_OPENED_BYTES = MAX_ATTACHMENT_BYTES;
/** Bytes of one attachment streamed through the key-marker scan (Zendesk's own cap is 50 MB). */
export const MAX_SCANNED_BYTES = 100 * 1024 * 1024;
/** How the text of a comment is named to the customer. */
export const TEXT_PLACE = 'your message';

/** The private keys in one comment, as found; nothing of the keys themselves. */
export interface CommentKeys {
  commentId: number;
  keyInText: boolean;
  /** Attachments holding a key. */
  files: { name: string; url: string }[];
  /** What could not be opened, so may hold a key (completes "could not look inside …"). */
  unsure: string[];
  /** A key is the key of a certificate sent in the same comment. */
  ofSentCertificate: boolean;
}

/** What the bundle check already found and downloaded, so nothing is fetched or decided twice. */
export interface KnownFromBundleCheck {
  downloaded: ReadonlyMap<string, Buffer>;
  keyInText: boolean;
  attachmentUrls: readonly string[];
}

const NOTHING: KnownFromBundleCheck = { downloaded: new Map(), keyInText: false, attachmentUrls: [] };

/**
 * Looks for private keys in everything a comment carries, whatever the renewal's state: its text,
 * and every attachment — opened when small enough (archives nested, e-mails, base64 parts),
 * streamed through the key-marker scan when not, however many there are. What cannot be looked
 * into is listed as `unsure`; no limit makes a key invisible.
 */
export async function inspectComment(deps: RenewalDeps, comment: ZendeskComment, known: KnownFromBundleCheck = NOTHING): Promise<CommentKeys> {
  const text = [comment.body, comment.plain_body, comment.html_body].join('\n');
  const keyInText = known.keyInText || privateKeyInText(text) !== undefined;
  const files: CommentKeys['files'] = [];
  const unsure: string[] = [];
  const texts = [text];
  for (const a of comment.attachments) {
    if (a.deleted || (a.file_name === 'redacted.txt' && a.size === 0)) continue;
    const bytes = known.downloaded.get(a.content_url) ?? (await download(deps, a, unsure));
    const scan: KeyScan | null = bytes ? scanForPrivateKeys(bytes, a.file_name) : await streamScan(deps, a, unsure);
    if (!scan) continue;
    unsure.push(...scan.unsure);
    if (scan.kinds.length || known.attachmentUrls.includes(a.content_url)) files.push({ name: printable(a.file_name), url: a.content_url });
    if (bytes && bytes.length <= 1024 * 1024) texts.push(bytes.toString('latin1'));
  }
  const ofSentCertificate = (keyInText || files.length > 0) && keyOfSentCertificate(texts);
  return { commentId: comment.id, keyInText, files, unsure, ofSentCertificate };
}

/** The attachment's bytes when it is small enough to open; null when it must be streamed or cannot be read. */
async function download(deps: RenewalDeps, a: ZendeskAttachment, unsure: string[]): Promise<Buffer | null> {
  if (a.malware_scan_result === 'malware_found' && !a.malware_access_override) {
    unsure.push(`${printable(a.file_name)} (Zendesk's malware scan flagged it, so certdesk did not open it)`);
    return null;
  }
  if (a.size > MAX_OPENED_BYTES) return null;
  try {
    return await deps.zendesk.downloadAttachment(a.content_url, MAX_OPENED_BYTES);
  } catch (error) {
    if (!(error instanceof AttachmentRefusedError)) throw error;
    if (error.reason !== 'too_large') unsure.push(`${printable(a.file_name)} (${error.message})`);
    return null;
  }
}

const OPAQUE = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from([0x1f, 0x8b]), Buffer.from('7z\xbc\xaf', 'latin1'), Buffer.from('Rar!', 'latin1')];

/**
 * A file too large to open, read as a stream through the key-marker scan: memory stays bounded.
 * Null when it was not read (flagged, refused); a compressed file without a visible key is unsure.
 */
async function streamScan(deps: RenewalDeps, a: ZendeskAttachment, unsure: string[]): Promise<KeyScan | null> {
  if (a.malware_scan_result === 'malware_found' && !a.malware_access_override) return null;
  const scanner = createKeyMarkerScanner();
  let head: Buffer | undefined;
  let result: { bytes: number; complete: boolean };
  try {
    result = await deps.zendesk.readAttachmentChunks(a.content_url, MAX_SCANNED_BYTES, (chunk) => {
      head ??= Buffer.from(chunk.subarray(0, 4));
      scanner.push(chunk);
    });
  } catch (error) {
    if (!(error instanceof AttachmentRefusedError)) throw error;
    unsure.push(`${printable(a.file_name)} (${error.message})`);
    return null;
  }
  const kinds = scanner.end();
  const found: string[] = [];
  if (kinds.length === 0 && !result.complete) {
    found.push(
      result.bytes < MAX_SCANNED_BYTES
        ? `${printable(a.file_name)} (only its first ${(result.bytes / 1024 / 1024).toFixed(1)} MB arrived in time and were scanned)`
        : `${printable(a.file_name)} (larger than ${MAX_SCANNED_BYTES / 1024 / 1024} MB; only its beginning was scanned)`,
    );
  } else if (kinds.length === 0 && head && OPAQUE.some((m) => head!.subarray(0, m.length).equals(m))) {
    found.push(`${printable(a.file_name)} (a compressed archive larger than ${MAX_OPENED_BYTES / 1024 / 1024} MB, too large to open)`);
  }
  return { kinds, unsure: found };
}

/**
 * Redacts the keys a comment holds (text and attachments, in one redaction) and records that the
 * customer is owed a notice. When Zendesk refuses the redaction, or something could not be looked
 * into, an internal note asks an agent to check and redact. Each step is done once per comment.
 */
export async function redactCommentKeys(deps: RenewalDeps, ticketId: number, comment: ZendeskComment, keys: CommentKeys): Promise<void> {
  const places = placesOf(keys);
  const unsure = [...keys.unsure];
  let refused: string | undefined;
  if (places.length > 0) {
    const now = () => deps.clock.now().getTime();
    // Written before redacting: once redacted, the key can no longer be seen, but the notice is still owed.
    await deps.store.transaction(async () => {
      if ((await deps.store.audit.forTicket(ticketId)).some((e) => e.action === 'private_key_found' && e.detail.commentId === comment.id)) return;
      await deps.store.audit.append(
        { ticketId, actor: 'certdesk', action: 'private_key_found', detail: { commentId: comment.id, places, ofSentCertificate: keys.ofSentCertificate } },
        now(),
      );
    });
    const effect = `redact:c${comment.id}`;
    if (!(await deps.store.effects.isDone(effect))) {
      const htmlBody = keys.keyInText ? redactPrivateKeysHtml(comment.html_body) : null;
      if (keys.keyInText && !htmlBody) refused = 'certdesk could not mark the key in the text for redaction';
      const attachmentUrls = keys.files.map((f) => f.url);
      if (htmlBody || attachmentUrls.length) {
        try {
          await deps.zendesk.redactComment(ticketId, comment.id, { ...(htmlBody ? { htmlBody } : {}), ...(attachmentUrls.length ? { attachmentUrls } : {}) });
        } catch (error) {
          if (!(error instanceof ZendeskApiError)) throw error;
          refused = `HTTP ${error.status}: ${error.message}`;
        }
      }
      await deps.store.transaction(async () => {
        await deps.store.effects.markDone(effect, ticketId, 'redact_private_key', now());
        await deps.store.audit.append(
          {
            ticketId,
            actor: 'certdesk',
            action: refused ? 'private_key_redaction_refused' : 'private_key_redacted',
            detail: { commentId: comment.id, files: keys.files.map((f) => f.name), text: keys.keyInText, attachments: keys.files.length },
          },
          now(),
        );
      });
      if (!refused) deps.metrics.counter('certdesk_private_keys_redacted_total', 'Comments from which a private key a customer sent was redacted.').inc();
      deps.logger.warn(
        { ticketId, commentId: comment.id, files: keys.files.map((f) => f.name), redacted: !refused },
        'a customer sent a private key; it was redacted from the ticket',
      );
    }
  }
  if (refused || unsure.length > 0) {
    await postOnce(deps, {
      key: `keycheck:c${comment.id}`,
      ticketId,
      kind: 'note_key_check',
      public: false,
      body: keyCheckNote({ commentId: comment.id, unsure, places, ...(refused ? { refused } : {}) }).body,
    });
  }
}

/** Inspects and redacts each comment, oldest first. */
export async function guardComments(deps: RenewalDeps, ticketId: number, comments: ZendeskComment[]): Promise<void> {
  for (const c of comments) await redactCommentKeys(deps, ticketId, c, await inspectComment(deps, c));
}

function placesOf(keys: CommentKeys): string[] {
  return [...(keys.keyInText ? [TEXT_PLACE] : []), ...keys.files.map((f) => f.name)];
}

/**
 * The notice the customer is still owed for keys found on this ticket (one for all of them), with
 * the comments it covers; undefined when they have been told about every key.
 */
export async function pendingKeyNotice(deps: RenewalDeps, ticketId: number): Promise<{ notice: KeyNotice; commentIds: number[] } | undefined> {
  const found: AuditEntry[] = [];
  for (const e of await deps.store.audit.forTicket(ticketId)) {
    if (e.action === 'private_key_found' && !(await deps.store.effects.isDone(`keynotice:c${String(e.detail.commentId)}`))) found.push(e);
  }
  if (found.length === 0) return undefined;
  const places = [...new Set(found.flatMap((e) => e.detail.places as string[]))];
  return {
    notice: { places, ofSentCertificate: found.some((e) => e.detail.ofSentCertificate === true) },
    commentIds: found.map((e) => Number(e.detail.commentId)),
  };
}

/** Records that the customer was told (the notice is in a recorded transition, or was posted). */
export async function markKeyNoticeGiven(deps: RenewalDeps, ticketId: number, commentIds: number[]): Promise<void> {
  const now = deps.clock.now().getTime();
  await deps.store.transaction(async () => {
    for (const id of commentIds) await deps.store.effects.markDone(`keynotice:c${id}`, ticketId, 'key_notice', now);
  });
}

/**
 * Tells the customer about keys they sent when certdesk has nothing else to say (a reply after
 * installation, a reply that changes nothing): a short public comment of its own, once.
 */
export async function giveKeyNoticeAlone(deps: RenewalDeps, ticketId: number): Promise<void> {
  const pending = await pendingKeyNotice(deps, ticketId);
  if (!pending) return;
  await postOnce(deps, {
    key: `keynotice:c${Math.min(...pending.commentIds)}:comment`,
    ticketId,
    kind: 'comment_key_exposed',
    public: true,
    body: keyExposedComment(pending.notice).body,
  });
  await markKeyNoticeGiven(deps, ticketId, pending.commentIds);
}
