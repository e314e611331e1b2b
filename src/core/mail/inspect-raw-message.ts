import { createHash } from 'node:crypto';
import { parseAddressHeader } from 'mailparser';
import { readHeaderBlock } from './read-header-block.js';
import { normalizeMessageId } from './message-id.js';

/** What must be true of a raw message before certdesk accepts it, and what it is known by. */
export type RawMessageInspection =
  | {
      ok: true;
      /** The normalised Message-ID, or null when it has none. */
      messageId: string | null;
      /** The sender's address (the first mailbox of From), lower case. */
      sender: string;
      /** `mid:<Message-ID>`, or `sha256:<hash of the bytes>` for a message without one. */
      dedupKey: string;
    }
  | { ok: false; reason: string };

const ADDRESS = /^[^\s@"<>()]+@[^\s@"<>()]+\.[^\s@"<>()]+$/;

/**
 * Checks a raw message enough to accept it: a header block, and a From header naming a readable
 * address. Everything else (MIME structure, charsets, attachments) is the job's business.
 */
export function inspectRawMessage(raw: Uint8Array): RawMessageInspection {
  const block = readHeaderBlock(raw);
  if (!block.ok) return block;
  const from = block.fields.filter((f) => f.name === 'from');
  if (from.length === 0) return { ok: false, reason: 'the message has no From header' };
  const sender = parseAddressHeader(
    from.map((f) => f.value),
    { flatten: true },
  )
    .value.map((a) => a.address?.trim().toLowerCase() ?? '')
    .find((a) => ADDRESS.test(a));
  if (!sender) return { ok: false, reason: 'the From header has no e-mail address that can be read' };
  const messageId = normalizeMessageId(block.fields.find((f) => f.name === 'message-id')?.value);
  const dedupKey = messageId ? `mid:${messageId}` : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  return { ok: true, messageId, sender, dedupKey };
}
