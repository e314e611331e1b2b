/** The X.509 v3 extensions of a test certificate, as its options ask (see CertificateOptions). */
import { bitString, bool, ctx, int, octets, oid, seq, type Der } from './der.js';
import type { CertificateOptions, KeyUsage } from './certificate-options.js';

const KU_BITS: KeyUsage[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];
const EKU: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  any: '2.5.29.37.0',
};
const RSA_ENCRYPTION = Buffer.from('2a864886f70d010101', 'hex');

/** The Extension elements, in a fixed order, then `extraExtensions`. `ski` is the subject's key identifier, if any. */
export function certificateExtensions(options: CertificateOptions, spki: Buffer, ski: Buffer | undefined): Der[] {
  const isCa = options.ca ?? false;
  const ext: Der[] = [];
  const add = (id: string, value: Der, critical = false) => ext.push(seq(oid(id), ...(critical ? [bool(true)] : []), octets(value)));
  const bc =
    options.basicConstraints ??
    (isCa ? { ca: true, critical: true, ...(options.pathLen === undefined ? {} : { pathLen: options.pathLen }) } : { ca: false, critical: true });
  if (bc) add('2.5.29.19', seq(...(bc.ca ? [bool(true)] : []), ...(bc.pathLen === undefined ? [] : [int(bc.pathLen)])), bc.critical ?? true);
  const ku =
    options.keyUsage ?? (isCa ? ['keyCertSign', 'cRLSign'] : spki.includes(RSA_ENCRYPTION) ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']);
  if (ku) add('2.5.29.15', keyUsageBits(ku), true);
  const eku = options.extKeyUsage ?? (isCa ? false : ['serverAuth']);
  if (eku) add('2.5.29.37', seq(...eku.map((e) => oid(EKU[e] ?? e))), options.extKeyUsageCritical ?? false);
  if (ski) add('2.5.29.14', octets(ski));
  const aki = options.issuer?.subjectKeyId;
  if ((options.authorityKeyId ?? true) && aki) add('2.5.29.35', seq(ctx(0, false, aki)));
  if (!options.issuer && ski && (options.authorityKeyId ?? false)) add('2.5.29.35', seq(ctx(0, false, ski)));
  const sans = [
    ...(options.dnsNames ?? []).map((d) => ctx(2, false, Buffer.from(d, 'latin1'))),
    ...(options.ipAddresses ?? []).map((ip) => ctx(7, false, ipBytes(ip))),
  ];
  if (sans.length > 0) add('2.5.29.17', seq(...sans), options.sanCritical ?? false);
  const nc = options.nameConstraints;
  if (nc) {
    const subtrees = (dns: string[] = [], ips: string[] = []) => [
      ...dns.map((d) => seq(ctx(2, false, Buffer.from(d, 'latin1')))),
      ...ips.map((cidr) => seq(ctx(7, false, ipRange(cidr)))),
    ];
    const permitted = subtrees(nc.permitted, nc.permittedIps);
    const excluded = subtrees(nc.excluded, nc.excludedIps);
    add(
      '2.5.29.30',
      seq(...(permitted.length ? [ctx(0, true, ...permitted)] : []), ...(excluded.length ? [ctx(1, true, ...excluded)] : [])),
      nc.critical ?? true,
    );
  }
  const urls = typeof options.caIssuersUrl === 'string' ? [options.caIssuersUrl] : (options.caIssuersUrl ?? []);
  if (urls.length > 0) add('1.3.6.1.5.5.7.1.1', seq(...urls.map((u) => seq(oid('1.3.6.1.5.5.7.48.2'), ctx(6, false, Buffer.from(u, 'latin1'))))));
  for (const e of options.extraExtensions ?? []) add(e.oid, e.value, e.critical ?? false);
  return ext;
}

function keyUsageBits(usages: KeyUsage[]): Der {
  let bits = 0;
  for (const u of usages) bits |= 0x80 >> KU_BITS.indexOf(u);
  const unused = bits === 0 ? 0 : Math.min(7, Math.log2(bits & -bits));
  return bitString(Buffer.from([bits]), bits === 0 ? 0 : unused);
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return Buffer.from(groups.flatMap((g: string) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Buffer.from(ip.split('.').map(Number));
}

/** An iPAddress name constraint: the address, then the mask of its prefix length. */
function ipRange(cidr: string): Buffer {
  const [addr, bitsText] = cidr.split('/');
  const bytes = ipBytes(addr!);
  const bits = Number(bitsText);
  const mask = Buffer.alloc(bytes.length);
  for (let i = 0; i < bits; i++) mask[i >> 3]! |= 0x80 >> (i & 7);
  return Buffer.concat([bytes, mask]);
}
