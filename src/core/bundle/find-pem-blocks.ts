/** One "-----BEGIN X-----" … "-----END X-----" block of a text. */
export interface PemBlock {
  label: string;
  /** The decoded contents; undefined when the base64 is damaged or the block is cut off. */
  der?: Buffer;
  /** True when the END line never comes. */
  truncated: boolean;
}

const BEGIN = /-----BEGIN ([A-Z0-9 #/_-]{1,40})-----/g;

/**
 * Finds the PEM blocks of a text as customers paste them: text around them, CRLF, indentation,
 * "> " e-mail quoting, RFC 1421 header lines. At most `maxBlocks` blocks are returned.
 */
export function findPemBlocks(text: string, maxBlocks: number): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BEGIN.exec(text)) !== null && blocks.length < maxBlocks) {
    const label = m[1]!.trim();
    const bodyStart = m.index + m[0].length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, bodyStart);
    const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) {
      blocks.push({ label, truncated: true });
      continue;
    }
    const der = decodeBody(text.slice(bodyStart, end));
    blocks.push(der ? { label, der, truncated: false } : { label, truncated: false });
    BEGIN.lastIndex = end + endMarker.length;
  }
  return blocks;
}

function decodeBody(body: string): Buffer | undefined {
  const b64 = body
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/^[\s>]+/, '').trim())
    // RFC 1421 headers (Proc-Type:, DEK-Info:) carry no certificate bytes.
    .filter((line) => !/^[A-Za-z-]+:/.test(line))
    .join('')
    .replace(/\s+/g, '');
  if (b64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 === 1) return undefined;
  return Buffer.from(b64, 'base64');
}

/** Text that is nothing but one base64 blob of DER (a certificate pasted without its BEGIN/END lines). */
export function bareBase64Der(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 200 || !compact.startsWith('MI')) return undefined;
  return decodeBody(compact);
}
