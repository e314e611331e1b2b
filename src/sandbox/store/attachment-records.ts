import type { Clock } from '../../lib/clock.js';
import { recordInvalid } from '../api-error.js';
import { zendeskTimestamp } from '../zendesk-time.js';
import type { SandboxDb } from './sandbox-db.js';
import { ATTACHMENT_COLUMNS, newToken, toAttachment, type Attachment } from './sandbox-records.js';

const MALWARE_NAME = /eicar|malware/i;
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/**
 * Uploads and the attachments they become: a file is stored under an upload token (scanned for
 * malware as Zendesk does), linked to a comment when a comment names the token, and fetched by its
 * own file token (the download URL).
 */
export class AttachmentRecords {
  constructor(
    private readonly db: SandboxDb,
    private readonly clock: Clock,
  ) {}

  /** Stores an upload; `token` adds the file to an earlier upload (several files, one token). */
  createUpload(input: { fileName: string; contentType: string; data: Buffer; token?: string; uploaderId: number }): {
    token: string;
    attachment: Attachment;
    attachments: Attachment[];
  } {
    const fileName = input.fileName.trim();
    if (!fileName) throw recordInvalid('filename', 'Filename: cannot be blank', 'BlankValue');
    let token = input.token;
    if (token && !this.byUpload(token).length) throw recordInvalid('token', 'Token: is invalid');
    token ??= newToken();
    const malware = MALWARE_NAME.test(fileName) || input.data.includes(EICAR) ? 'malware_found' : 'malware_not_found';
    const info = this.db
      .prepare(
        'INSERT INTO attachments (upload_token, file_token, file_name, content_type, size, data, malware_scan_result, uploader_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(token, newToken(), fileName, input.contentType, input.data.length, input.data, malware, input.uploaderId, zendeskTimestamp(this.clock.now()));
    const attachment = this.get(Number(info.lastInsertRowid))!;
    return { token, attachment, attachments: this.byUpload(token) };
  }

  /** Removes an upload no comment has taken yet. */
  deleteUpload(token: string): boolean {
    return this.db.prepare('DELETE FROM attachments WHERE upload_token = ? AND comment_id IS NULL').run(token).changes > 0;
  }

  /** The files of the upload `token` that no comment has taken yet. */
  unclaimed(token: string): Attachment[] {
    return this.byUpload(token).filter((a) => a.comment_id === null);
  }

  /** Links files to the comment that names their upload. */
  attach(attachments: Attachment[], commentId: number, ticketId: number): void {
    const link = this.db.prepare('UPDATE attachments SET comment_id = ?, ticket_id = ? WHERE id = ?');
    for (const a of attachments) link.run(commentId, ticketId, a.id);
  }

  /**
   * Redaction: the file becomes an empty `redacted.txt` under a new file token, so that its old
   * download URL stops working.
   */
  blankOut(id: number): Attachment {
    this.db
      .prepare(
        "UPDATE attachments SET file_name = 'redacted.txt', content_type = 'text/plain', size = 0, data = ?, file_token = ?, malware_scan_result = 'malware_not_found' WHERE id = ?",
      )
      .run(Buffer.alloc(0), newToken(), id);
    return this.get(id)!;
  }

  get(id: number): Attachment | undefined {
    return toAttachment(this.db.prepare(ATTACHMENT_COLUMNS + ' WHERE id = ?').get(id));
  }

  byFileToken(fileToken: string): (Attachment & { data: Buffer }) | undefined {
    const row = this.db.prepare('SELECT * FROM attachments WHERE file_token = ?').get(fileToken) as (Record<string, unknown> & { data: Buffer }) | undefined;
    return row && { ...toAttachment(row)!, data: row.data };
  }

  byUpload(token: string): Attachment[] {
    return (this.db.prepare(ATTACHMENT_COLUMNS + ' WHERE upload_token = ? ORDER BY id').all(token) as unknown[]).map((r) => toAttachment(r)!);
  }

  /** Each comment's files, by comment id (comments without files are absent). */
  byComment(commentIds: number[]): Map<number, Attachment[]> {
    const out = new Map<number, Attachment[]>();
    if (!commentIds.length) return out;
    const rows = this.db
      .prepare(`${ATTACHMENT_COLUMNS} WHERE comment_id IN (${commentIds.map(() => '?').join(',')}) ORDER BY id`)
      .all(...commentIds) as unknown[];
    for (const r of rows) {
      const a = toAttachment(r)!;
      out.set(a.comment_id!, [...(out.get(a.comment_id!) ?? []), a]);
    }
    return out;
  }

  /** One comment's files. */
  ofComment(commentId: number): Attachment[] {
    return this.byComment([commentId]).get(commentId) ?? [];
  }
}
