/**
 * Writing DER, the little certdesk needs (an OCSP request; the tests' hand-made certificates):
 * one element with a definite length, and an OBJECT IDENTIFIER's contents. Reading is der.ts.
 */

/** A DER element: the identifier octet `tag`, the definite length, then the contents. */
export function derElement(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** The contents octets of an OBJECT IDENTIFIER given in dotted form (base-128 arcs, the first two joined). */
export function oidContents(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (v: number) => {
    const bytes = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  arcs.slice(2).forEach(push);
  return Buffer.from(out);
}
