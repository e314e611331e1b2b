/** One header field of a message: the name in lower case, the value unfolded. */
export interface HeaderField {
  name: string;
  value: string;
}

export type HeaderBlock = { ok: true; fields: HeaderField[] } | { ok: false; reason: string };

/** A header field name: printable US-ASCII except the colon (RFC 5322 §2.2). */
const FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/;
/** The line some mailbox tools put first ("From sender@example.com Mon Jan  1 00:00:00 2026"). */
const MBOX_FROM = /^From [^\s:]+ /;

/**
 * Reads the header block of a raw RFC 5322 message: the lines up to the first empty line (or the
 * end, for a message without a body), unfolded. Only `maxBytes` are looked at. A message whose
 * first line is not a header field has no header block; other malformed lines are skipped, as
 * mail software does. 8-bit bytes are read as UTF-8 when they are valid UTF-8, else as Latin-1.
 */
export function readHeaderBlock(raw: Uint8Array, maxBytes = 1024 * 1024): HeaderBlock {
  const end = headerEnd(raw, maxBytes);
  if (end === null) return { ok: false, reason: `the header block does not end within the first ${maxBytes} bytes` };
  const text = decode(raw.subarray(0, end));
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && MBOX_FROM.test(lines[0]!)) lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return { ok: false, reason: 'the message has no header block (it is empty or starts with an empty line)' };
  if (!FIELD.test(lines[0]!))
    return { ok: false, reason: 'the message does not start with a header block (its first line is not a "Name: value" header field)' };

  const fields: HeaderField[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      fields[fields.length - 1]!.value += line.replace(/^[ \t]+/, ' ');
      continue;
    }
    const m = FIELD.exec(line);
    if (m) fields.push({ name: m[1]!.toLowerCase(), value: m[2]!.trim() });
  }
  return { ok: true, fields: fields.map((f) => ({ name: f.name, value: f.value.trim() })) };
}

/** Index where the header block ends (before the empty line), or null when it runs past `maxBytes`. */
function headerEnd(raw: Uint8Array, maxBytes: number): number | null {
  const limit = Math.min(raw.length, maxBytes + 4);
  for (let i = 0; i < limit; i++) {
    if (raw[i] !== 0x0a) continue;
    // "\n\n" or "\n\r\n": the line after this newline is empty.
    if (raw[i + 1] === 0x0a) return i + 1;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 1;
  }
  if (raw.length <= maxBytes) return raw.length;
  return null;
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}
