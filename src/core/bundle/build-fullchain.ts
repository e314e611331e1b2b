/** PEM text of one DER certificate: 64-character lines, ending with a newline. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** fullchain.pem as nginx and Apache expect it: the leaf, then each intermediate in path order; no root. */
export function buildFullchain(chain: { der: Uint8Array }[]): string {
  return chain.map((c) => toPem(c.der)).join('');
}
