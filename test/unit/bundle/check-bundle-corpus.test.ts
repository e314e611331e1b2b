import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_CODES, type FindingCode } from '../../../src/core/bundle/findings.js';
import type { BundleFile, CheckBundleInput } from '../../../src/core/bundle/types.js';
import { oid, seq, tlv } from '../../helpers/pki/der.js';
import { generateKey } from '../../helpers/pki/keys.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { issueCertificate, TEST_NOW } from '../../helpers/pki/certificate.js';
import { createIntermediate, createLeaf, createRoot } from '../../helpers/pki/chain.js';
import { createCsr } from '../../helpers/pki/csr.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';
import { check, codes, DOMAIN, expectWellFormed, file } from './bundle-test-kit.js';
import { createCrl } from './crl-kit.js';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

/** The certificates most cases share: an RSA root, an ECDSA intermediate under it, an EC leaf. */
interface World {
  root: TestCertificate;
  int: TestCertificate;
  leaf: TestCertificate;
  otherRoot: TestCertificate;
  otherInt: TestCertificate;
}

interface Case {
  name: string;
  /** The submission, the roots trusted, and any other input. */
  build: (w: World) => { files: BundleFile[]; roots?: TestCertificate[]; input?: Partial<CheckBundleInput> };
  expect: FindingCode[];
  /** Something each named finding's message must say. */
  says?: Partial<Record<FindingCode, RegExp>>;
  /** Number of certificates in the fullchain when accepted. */
  chainLength?: number;
}

const leafFrom = (w: World, options: Parameters<typeof createLeaf>[2] = {}, names = [DOMAIN]) => createLeaf(w.int, names, options);
const chainFiles = (...certs: TestCertificate[]) => [file('bundle.pem', pemBundle(certs))];

const cases: Case[] = [
  // ── accepted ───────────────────────────────────────────────────────────────────────────────
  {
    name: 'accepts an EC leaf under an ECDSA intermediate under an RSA root',
    build: (w) => ({ files: chainFiles(w.leaf, w.int) }),
    expect: [],
    chainLength: 2,
  },
  {
    name: 'accepts an RSA leaf under an EC intermediate, signed with RSASSA-PSS below an RSA-PSS-free root',
    build: (w) => {
      const rsaInt = createIntermediate(w.root, 'RSA Int', { key: { kind: 'rsa', slot: 'int' }, rsaPss: false });
      return { files: chainFiles(createLeaf(rsaInt, [DOMAIN], { key: { kind: 'rsa', slot: 'leaf' }, rsaPss: true }), rsaInt) };
    },
    expect: [],
  },
  { name: 'accepts a wildcard leaf covering the site', build: (w) => ({ files: chainFiles(leafFrom(w, {}, ['*.example.com']), w.int) }), expect: [] },
  {
    name: 'accepts a leaf without extendedKeyUsage (as rustls-webpki and pyca/cryptography do)',
    build: (w) => ({ files: chainFiles(leafFrom(w, { extKeyUsage: false }), w.int) }),
    expect: [],
  },
  {
    name: 'accepts a leaf with keyEncipherment only on an RSA key',
    build: (w) => ({ files: chainFiles(leafFrom(w, { key: { kind: 'rsa', slot: 'leaf' }, keyUsage: ['keyEncipherment'] }), w.int) }),
    expect: [],
  },
  {
    name: 'accepts a 21-octet serial whose first octet only keeps it positive',
    build: (w) => ({ files: chainFiles(leafFrom(w, { serial: Buffer.concat([Buffer.from([0, 0x80]), Buffer.alloc(19, 1)]) }), w.int) }),
    expect: [],
  },
  {
    name: 'accepts a lifetime of 398 days issued before 2026-03-15',
    build: (w) => ({
      files: chainFiles(leafFrom(w, { notBefore: at('2026-03-14T23:59:59Z'), validityDays: 398 }), w.int),
      input: { at: at('2026-04-01T00:00:00Z') },
    }),
    expect: [],
  },
  {
    name: 'accepts exactly 200 days issued on 2026-03-15',
    build: (w) => ({
      files: chainFiles(leafFrom(w, { notBefore: at('2026-03-15T00:00:00Z'), validityDays: 200 }), w.int),
      input: { at: at('2026-04-01T00:00:00Z') },
    }),
    expect: [],
  },
  {
    name: 'accepts a leaf under an intermediate whose name constraints permit the site',
    build: (w) => {
      const nc = createIntermediate(w.root, 'Constrained Int', { nameConstraints: { permitted: ['example.com'] } });
      return { files: chainFiles(createLeaf(nc, [DOMAIN, '*.example.com']), nc) };
    },
    expect: [],
  },
  {
    name: 'ignores the SHA-1 self-signature of a trusted root',
    build: (_w) => {
      const sha1Root = createRoot('SHA-1 Root', { key: { kind: 'rsa', slot: 'sha1root' }, signatureHash: 'sha1' });
      const int = createIntermediate(sha1Root, 'Int under SHA-1 root');
      return { files: chainFiles(createLeaf(int), int), roots: [sha1Root] };
    },
    expect: [],
  },

  // ── tidied up: warnings only ─────────────────────────────────────────────────────────────
  {
    name: 'leaves out a root that was sent',
    build: (w) => ({ files: chainFiles(w.leaf, w.int, w.root) }),
    expect: ['ROOT_INCLUDED'],
    says: { ROOT_INCLUDED: /Test Root.*bundle\.pem/ },
    chainLength: 2,
  },
  {
    name: 'puts a reversed chain in order',
    build: (w) => ({ files: chainFiles(w.root, w.int, w.leaf) }),
    expect: ['REORDERED', 'ROOT_INCLUDED'],
    says: { REORDERED: /bundle\.pem/ },
    chainLength: 2,
  },
  {
    name: 'keeps one copy of duplicated certificates',
    build: (w) => ({ files: [...chainFiles(w.leaf, w.int, w.int, w.leaf), file('again.crt', w.int.der)] }),
    expect: [],
    chainLength: 2,
  },
  {
    name: 'leaves out a branch that is not on the path',
    build: (w) => ({ files: chainFiles(w.leaf, w.int, w.otherInt) }),
    expect: ['EXTRA_CERTIFICATES'],
    says: { EXTRA_CERTIFICATES: /Other Int/ },
  },
  {
    name: 'warns that the leaf expires within 30 days',
    build: (w) => ({ files: chainFiles(leafFrom(w, { notBefore: at('2025-11-01T00:00:00Z'), validityDays: 71 }), w.int) }),
    expect: ['EXPIRES_SOON'],
    says: { EXPIRES_SOON: /2026-01-10 23:59 UTC, in 9 days/ },
  },
  {
    name: 'takes the shorter path when a cross-signed root is also sent',
    build: (w) => {
      const cross = issueCertificate({ subject: 'CN=Test Root, O=certdesk tests', key: w.root.key!, issuer: w.otherRoot, ca: true, validityDays: 1000 });
      return { files: chainFiles(w.leaf, w.int, cross), roots: [w.root, w.otherRoot] };
    },
    expect: ['EXTRA_CERTIFICATES'],
    chainLength: 2,
  },
  {
    name: 'follows a cross-sign to the only trusted root',
    build: (w) => {
      const cross = issueCertificate({ subject: 'CN=Test Root, O=certdesk tests', key: w.root.key!, issuer: w.otherRoot, ca: true, validityDays: 1000 });
      return { files: chainFiles(w.leaf, w.int, cross), roots: [w.otherRoot] };
    },
    expect: [],
    chainLength: 3,
  },
  {
    name: 'prefers a current cross-sign over an expired one with the same name and key',
    build: (w) => {
      const expired = issueCertificate({
        subject: 'CN=Test Root, O=certdesk tests',
        key: w.root.key!,
        issuer: w.otherRoot,
        ca: true,
        notBefore: at('2020-01-01T00:00:00Z'),
        validityDays: 365,
      });
      const current = issueCertificate({ subject: 'CN=Test Root, O=certdesk tests', key: w.root.key!, issuer: w.otherRoot, ca: true, validityDays: 1000 });
      return { files: chainFiles(w.leaf, w.int, expired, current), roots: [w.otherRoot] };
    },
    expect: ['EXTRA_CERTIFICATES'],
    chainLength: 3,
  },

  // ── the wrong certificate ────────────────────────────────────────────────────────────────
  {
    name: 'rejects a leaf for another site',
    build: (w) => ({ files: chainFiles(leafFrom(w, {}, ['www.example.org']), w.int) }),
    expect: ['HOSTNAME_MISMATCH'],
    says: { HOSTNAME_MISMATCH: /www\.example\.org, not for my\.example\.com/ },
  },
  {
    name: 'rejects a wildcard for another parent domain',
    build: (w) => ({ files: chainFiles(leafFrom(w, {}, ['*.my.example.com']), w.int) }),
    expect: ['HOSTNAME_MISMATCH'],
  },
  {
    name: 'rejects a partial wildcard, and says the name is not a valid host name',
    build: (w) => ({ files: chainFiles(leafFrom(w, {}, ['m*.example.com']), w.int) }),
    expect: ['HOSTNAME_MISMATCH', 'INVALID_CERTIFICATE'],
    says: { INVALID_CERTIFICATE: /“m\*\.example\.com”, which is not a valid host name/ },
  },
  {
    name: 'rejects a leaf naming the site only in its common name (no SAN never matches)',
    build: (w) => ({ files: chainFiles(leafFrom(w, { subject: `CN=${DOMAIN}` }, []), w.int) }),
    expect: ['HOSTNAME_MISMATCH', 'INVALID_CERTIFICATE'],
    says: { HOSTNAME_MISMATCH: /common name .* ignored/, INVALID_CERTIFICATE: /common name/ },
  },
  {
    name: 'rejects a certificate for another key than the CSR',
    build: (w) => ({ files: chainFiles(w.leaf, w.int), input: { csrPem: createCsr(generateKey()) } }),
    expect: ['KEY_MISMATCH'],
    says: { KEY_MISMATCH: /CSR/ },
  },
  {
    name: 'finds the leaf by the CSR key among an old and a new certificate',
    build: (w) => {
      const key = generateKey();
      const fresh = createLeaf(w.int, [DOMAIN], { key });
      return { files: [file('old.pem', w.leaf.pem), file('new.crt', fresh.der), file('chain.pem', w.int.pem)], input: { csrPem: createCsr(key) } };
    },
    expect: ['EXTRA_CERTIFICATES'],
    says: { EXTRA_CERTIFICATES: /old\.pem/ },
  },
  {
    name: 'rejects the certificate already installed',
    build: (w) => ({ files: chainFiles(w.leaf, w.int), input: { currentCertSha256: w.leaf.sha256.toUpperCase().replace(/(..)(?!$)/g, '$1:') } }),
    expect: ['CURRENT_CERTIFICATE'],
  },
  {
    name: 'rejects a CA certificate as the leaf',
    build: (w) => ({ files: chainFiles(leafFrom(w, { ca: true, keyUsage: ['keyCertSign', 'digitalSignature'] }), w.int) }),
    expect: ['NOT_SERVER_CERT'],
    says: { NOT_SERVER_CERT: /certificate authority/ },
  },
  {
    name: 'rejects a client-authentication certificate',
    build: (w) => ({ files: chainFiles(leafFrom(w, { extKeyUsage: ['clientAuth'] }), w.int) }),
    expect: ['NOT_SERVER_CERT'],
    says: { NOT_SERVER_CERT: /client authentication/ },
  },
  {
    name: 'rejects a leaf whose only purpose is anyExtendedKeyUsage',
    build: (w) => ({ files: chainFiles(leafFrom(w, { extKeyUsage: ['any'] }), w.int) }),
    expect: ['NOT_SERVER_CERT'],
  },
  {
    name: 'rejects an EC leaf whose keyUsage allows only keyEncipherment',
    build: (w) => ({ files: chainFiles(leafFrom(w, { keyUsage: ['keyEncipherment'] }), w.int) }),
    expect: ['NOT_SERVER_CERT'],
    says: { NOT_SERVER_CERT: /digitalSignature/ },
  },
  {
    name: 'rejects a submission of CA certificates only',
    build: (w) => ({ files: chainFiles(w.int, w.root) }),
    expect: ['NOT_SERVER_CERT', 'ROOT_INCLUDED'],
    says: { NOT_SERVER_CERT: /Only certificate authority certificates/ },
  },

  // ── the chain ────────────────────────────────────────────────────────────────────────────
  {
    name: 'rejects a leaf without its intermediate',
    build: (w) => ({ files: [file('cert.crt', w.leaf.der)] }),
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /Test Intermediate.*missing/ },
  },
  {
    name: 'rejects a chain to a root that is not trusted',
    build: (w) => ({ files: chainFiles(w.leaf, w.int, w.root), roots: [w.otherRoot] }),
    expect: ['UNTRUSTED_ROOT'],
    says: { UNTRUSTED_ROOT: /Test Root/ },
  },
  {
    name: 'rejects a self-signed leaf',
    build: () => ({ files: [file('self.pem', issueCertificate({ dnsNames: [DOMAIN], authorityKeyId: true }).pem)] }),
    expect: ['UNTRUSTED_ROOT'],
    says: { UNTRUSTED_ROOT: /self-signed/ },
  },
  {
    name: 'names an intermediate that is not a CA',
    build: (w) => {
      const notCa = createIntermediate(w.root, 'Not A CA', { basicConstraints: { ca: false }, keyUsage: ['keyCertSign'] });
      return { files: chainFiles(createLeaf(notCa), notCa) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /Not A CA.*not a CA certificate/ },
  },
  {
    name: 'names an intermediate without keyCertSign',
    build: (w) => {
      const noSign = createIntermediate(w.root, 'No KeyCertSign', { keyUsage: ['digitalSignature', 'cRLSign'] });
      return { files: chainFiles(createLeaf(noSign), noSign) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /keyCertSign/ },
  },
  {
    name: 'enforces pathLenConstraint',
    build: (w) => {
      const upper = createIntermediate(w.root, 'Upper', { pathLen: 0 });
      const lower = createIntermediate(upper, 'Lower');
      return { files: chainFiles(createLeaf(lower), lower, upper) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /Upper.*pathLenConstraint of 0/ },
  },
  {
    name: 'refuses an intermediate restricted to client authentication',
    build: (w) => {
      const client = createIntermediate(w.root, 'Client CA', { extKeyUsage: ['clientAuth'] });
      return { files: chainFiles(createLeaf(client), client) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /extendedKeyUsage/ },
  },
  {
    name: 'enforces permitted name constraints',
    build: (w) => {
      const nc = createIntermediate(w.root, 'Other Names Only', { nameConstraints: { permitted: ['example.org'] } });
      return { files: chainFiles(createLeaf(nc), nc) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /do not permit my\.example\.com/ },
  },
  {
    name: 'enforces excluded name constraints against a wildcard that overlaps them',
    build: (w) => {
      const nc = createIntermediate(w.root, 'Excludes My', { nameConstraints: { excluded: ['my.example.com'] } });
      return { files: chainFiles(createLeaf(nc, ['*.example.com']), nc) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /exclude \*\.example\.com/ },
  },
  {
    name: 'enforces a trusted root’s own name constraints',
    build: () => {
      const root = createRoot('Constrained Root', { nameConstraints: { permitted: ['example.org'] } });
      const int = createIntermediate(root, 'Int of Constrained Root');
      return { files: chainFiles(createLeaf(int), int), roots: [root] };
    },
    expect: ['UNTRUSTED_ROOT'],
    says: { UNTRUSTED_ROOT: /Constrained Root.*name constraints/ },
  },
  {
    name: 'names an intermediate with the right name but another key',
    build: (w) => {
      const impostor = createIntermediate(w.root, 'Test Intermediate');
      return { files: chainFiles(w.leaf, impostor) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /does not verify the signature/ },
  },
  {
    name: 'refuses a chain longer than eight intermediates (the default depth limit)',
    build: (w) => {
      const ints: TestCertificate[] = [];
      let issuer = w.root;
      for (let i = 1; i <= 9; i++) ints.unshift((issuer = createIntermediate(issuer, `Level ${i}`)));
      return { files: chainFiles(createLeaf(issuer), ...ints) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /more than 8 intermediate/ },
  },
  {
    name: 'accepts a chain of eight intermediates',
    build: (w) => {
      const ints: TestCertificate[] = [];
      let issuer = w.root;
      for (let i = 1; i <= 8; i++) ints.unshift((issuer = createIntermediate(issuer, `Level ${i}`)));
      return { files: chainFiles(createLeaf(issuer), ...ints) };
    },
    expect: [],
    chainLength: 9,
  },
  {
    name: 'honours a smaller depth limit given by the caller',
    build: (w) => {
      const i1 = createIntermediate(w.root, 'Level 1');
      const i2 = createIntermediate(i1, 'Level 2');
      return { files: chainFiles(createLeaf(i2), i2, i1), input: { maxChainDepth: 1 } };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /more than 1 intermediate certificate,/ },
  },

  // ── issue 17: rules found with x509-limbo, on chains made here ─────────────────────────────
  {
    name: 'accepts a self-issued intermediate, which pathLenConstraint does not count',
    build: (w) => {
      const ica = createIntermediate(w.root, 'Rollover CA', { pathLen: 1 });
      const rolled = createIntermediate(ica, 'Rollover CA', { pathLen: 1 });
      const inner = createIntermediate(rolled, 'Inner CA', { pathLen: 0 });
      return { files: chainFiles(createLeaf(inner), inner, rolled, ica) };
    },
    expect: [],
    chainLength: 4,
  },
  {
    name: 'refuses a trusted root carrying an extendedKeyUsage (the root profile)',
    build: () => {
      const root = createRoot('EKU Root', { extKeyUsage: ['serverAuth'] });
      const int = createIntermediate(root, 'Under EKU Root');
      return { files: chainFiles(createLeaf(int), int), roots: [root] };
    },
    expect: ['UNTRUSTED_ROOT'],
    says: { UNTRUSTED_ROOT: /root certificate “EKU Root” .*it has an extendedKeyUsage extension, which root certificates must not have/ },
  },
  {
    name: 'refuses an RSA key whose size is not a multiple of 8 bits',
    build: (w) => ({ files: chainFiles(leafFrom(w, { key: { kind: 'rsa', bits: 2052 } }), w.int) }),
    expect: ['INVALID_CERTIFICATE'],
    says: { INVALID_CERTIFICATE: /RSA key of 2052 bits is not a whole number of bytes/ },
  },
  {
    name: 'refuses a leaf whose extendedKeyUsage also allows any purpose',
    build: (w) => ({ files: chainFiles(leafFrom(w, { extKeyUsage: ['serverAuth', 'any'] }), w.int) }),
    expect: ['NOT_SERVER_CERT'],
    says: { NOT_SERVER_CERT: /also allows “any purpose”/ },
  },
  {
    name: 'refuses an intermediate without an authorityKeyIdentifier',
    build: (w) => {
      const int = createIntermediate(w.root, 'No AKI CA', { authorityKeyId: false });
      return { files: chainFiles(createLeaf(int), int) };
    },
    expect: ['INVALID_CERTIFICATE'],
    says: { INVALID_CERTIFICATE: /“No AKI CA”.*no authorityKeyIdentifier naming the key that signed it/ },
  },
  {
    name: 'refuses a name constraint that is not a host name (".example.com")',
    build: (w) => {
      const int = createIntermediate(w.root, 'Dotted NC', { nameConstraints: { permitted: ['.example.com'] } });
      return { files: chainFiles(createLeaf(int), int) };
    },
    expect: ['INCOMPLETE_CHAIN'],
    says: { INCOMPLETE_CHAIN: /“\.example\.com”, which is not a valid DNS name constraint/ },
  },
  {
    name: 'refuses a common name that differs from its SAN only in case',
    build: (w) => ({ files: chainFiles(leafFrom(w, { subject: 'CN=My.Example.com' }), w.int) }),
    expect: ['INVALID_CERTIFICATE'],
    says: { INVALID_CERTIFICATE: /common name “My\.Example\.com” is not one of its subjectAltName names/ },
  },
  {
    name: 'accepts a common name naming the domain its wildcard SAN lies under',
    build: (w) => ({ files: chainFiles(leafFrom(w, { subject: 'CN=example.com' }, ['*.example.com']), w.int) }),
    expect: [],
  },
  {
    name: 'compares validity at the granularity of certificate times (half a second past notAfter is still valid)',
    build: (w) => {
      const leaf = leafFrom(w, { notBefore: at('2025-12-01T00:00:00Z'), notAfter: at('2026-01-01T00:00:00Z') });
      return { files: chainFiles(leaf, w.int), input: { at: at('2026-01-01T00:00:00.500Z') } };
    },
    expect: ['EXPIRES_SOON'],
  },
  {
    name: 'refuses a leaf its issuer revoked (a CRL given)',
    build: (w) => ({
      files: chainFiles(w.leaf, w.int),
      input: {
        crls: [createCrl(w.int, { thisUpdate: new Date(TEST_NOW.getTime() - DAY), revoked: [{ cert: w.leaf, at: new Date(TEST_NOW.getTime() - 2 * DAY) }] })],
      },
    }),
    expect: ['REVOKED'],
    says: { REVOKED: /my\.example\.com.*has been revoked by its certificate authority \(on 2025-12-30 00:00 UTC.*new certificate/ },
  },

  // ── validity ─────────────────────────────────────────────────────────────────────────────
  {
    name: 'rejects an expired leaf',
    build: (w) => ({ files: chainFiles(leafFrom(w, { notBefore: at('2025-09-01T00:00:00Z'), validityDays: 90 }), w.int) }),
    expect: ['EXPIRED'],
    says: { EXPIRED: /my\.example\.com.*expired on 2025-11-29/ },
  },
  {
    name: 'rejects a leaf that is not valid yet',
    build: (w) => ({ files: chainFiles(leafFrom(w, { notBefore: at('2026-02-01T00:00:00Z') }), w.int) }),
    expect: ['NOT_YET_VALID'],
  },
  {
    name: 'names an expired intermediate',
    build: (w) => {
      const old = createIntermediate(w.root, 'Old Int', { notBefore: at('2024-01-01T00:00:00Z'), validityDays: 365 });
      return { files: chainFiles(createLeaf(old), old) };
    },
    expect: ['EXPIRED'],
    says: { EXPIRED: /intermediate certificate “Old Int”/ },
  },
  {
    name: 'rejects 300 days issued after 2026-03-15',
    build: (w) => ({
      files: chainFiles(leafFrom(w, { notBefore: at('2026-03-20T00:00:00Z'), validityDays: 300 }), w.int),
      input: { at: at('2026-04-01T00:00:00Z') },
    }),
    expect: ['VALIDITY_TOO_LONG'],
    says: { VALIDITY_TOO_LONG: /300 days.*at most 200 days/ },
  },
  {
    name: 'accepts the same 300 days issued before 2026-03-15',
    build: (w) => ({
      files: chainFiles(leafFrom(w, { notBefore: at('2026-03-01T00:00:00Z'), validityDays: 300 }), w.int),
      input: { at: at('2026-04-01T00:00:00Z') },
    }),
    expect: [],
  },
  {
    name: 'rejects 200 days and 1 second issued on 2026-03-15 (RFC 5280 counts both ends)',
    build: (w) => ({
      files: chainFiles(leafFrom(w, { notBefore: at('2026-03-15T00:00:00Z'), notAfter: at('2026-10-01T00:00:00Z') }), w.int),
      input: { at: at('2026-04-01T00:00:00Z') },
    }),
    expect: ['VALIDITY_TOO_LONG'],
    says: { VALIDITY_TOO_LONG: /200 days and 1 second/ },
  },
  {
    name: 'rejects 101 days issued after 2027-03-15',
    build: (w) => ({
      files: chainFiles(leafFrom(w, { notBefore: at('2027-04-01T00:00:00Z'), validityDays: 101 }), w.int),
      input: { at: at('2027-04-02T00:00:00Z') },
    }),
    expect: ['VALIDITY_TOO_LONG'],
    says: { VALIDITY_TOO_LONG: /at most 100 days/ },
  },

  // ── algorithms and keys ──────────────────────────────────────────────────────────────────
  {
    name: 'rejects a SHA-1 signed leaf',
    build: (w) => ({ files: chainFiles(leafFrom(w, { signatureHash: 'sha1' }), w.int) }),
    expect: ['WEAK_SIGNATURE'],
    says: { WEAK_SIGNATURE: /ecdsa-with-SHA1/ },
  },
  {
    name: 'rejects an MD5 signed intermediate',
    build: (w) => {
      const md5 = createIntermediate(w.root, 'MD5 Int', { signatureHash: 'md5' });
      return { files: chainFiles(createLeaf(md5), md5) };
    },
    expect: ['WEAK_SIGNATURE'],
    says: { WEAK_SIGNATURE: /MD5 Int.*md5WithRSAEncryption/ },
  },
  {
    name: 'rejects a 1024-bit RSA leaf',
    build: (w) => ({ files: chainFiles(leafFrom(w, { key: { kind: 'rsa', bits: 1024, slot: 'weak' } }), w.int) }),
    expect: ['WEAK_KEY'],
    says: { WEAK_KEY: /an RSA key of 1024 bits/ },
  },
  {
    name: 'rejects a P-224 leaf',
    build: (w) => ({ files: chainFiles(leafFrom(w, { key: { kind: 'ec', curve: 'secp224r1' } }), w.int) }),
    expect: ['WEAK_KEY'],
  },
  {
    name: 'rejects a weak key on the trusted root',
    build: () => {
      const weakRoot = createRoot('Weak Root', { key: { kind: 'rsa', bits: 1024, slot: 'weakroot' } });
      const int = createIntermediate(weakRoot, 'Int of Weak Root');
      return { files: chainFiles(createLeaf(int), int), roots: [weakRoot] };
    },
    expect: ['WEAK_KEY'],
    says: { WEAK_KEY: /Weak Root/ },
  },

  // ── profile ──────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['a zero serial', { serial: Buffer.from([0]) }, /serial number is zero/],
      ['a negative serial', { serial: Buffer.from([0xff, 0x01]) }, /negative/],
      ['a serial over 20 octets', { serial: Buffer.alloc(21, 1) }, /longer than 20 octets/],
      ['an unknown critical extension', { extraExtensions: [{ oid: '1.3.6.1.4.1.55555.1', critical: true, value: tlv(0x05) }] }, /critical extension/],
      ['a duplicate extension', { extraExtensions: [{ oid: '2.5.29.19', value: seq() }] }, /appears twice/],
      [
        'a malformed extension',
        {
          extraExtensions: [
            { oid: '2.5.29.32', value: Buffer.from([0x30]) },
            { oid: '2.5.29.14', value: Buffer.from([0x04, 0x05, 1]) },
          ],
          subjectKeyId: false,
        },
        /subjectKeyIdentifier extension is malformed/,
      ],
      ['a DSA key', { key: { kind: 'dsa' } }, /DSA/],
      ['explicit EC parameters', { key: { kind: 'ec-explicit' } }, /spells out the curve/],
      ['an Ed25519 key', { key: { kind: 'ed25519' } }, /not one the CA\/Browser Forum allows/],
      ['a version 1 certificate', { version: 1 }, /version 1/],
      ['differing signature algorithm fields', { outerSignatureAlgorithm: seq(oid('1.2.840.10045.4.3.3')) }, /two signature algorithm fields differ/],
      ['no authorityKeyIdentifier', { authorityKeyId: false }, /authorityKeyIdentifier/],
      ['a GeneralizedTime date before 2050', { generalizedTime: true }, /GeneralizedTime/],
      ['a critical extendedKeyUsage', { extKeyUsageCritical: true }, /extendedKeyUsage extension is marked critical/],
      ['a common name that is not a SAN', { subject: 'CN=www.example.com' }, /common name “www\.example\.com”/],
    ] as const
  ).map(
    ([what, options, says]): Case => ({
      name: `rejects a leaf with ${what}`,
      build: (w) => ({ files: chainFiles(leafFrom(w, options as Parameters<typeof createLeaf>[2]), w.int) }),
      // A version 1 certificate has no extensions, hence no SAN; a signature under another algorithm does not verify.
      expect:
        what === 'a version 1 certificate'
          ? ['INVALID_CERTIFICATE', 'HOSTNAME_MISMATCH']
          : what === 'differing signature algorithm fields'
            ? ['INVALID_CERTIFICATE', 'INCOMPLETE_CHAIN']
            : ['INVALID_CERTIFICATE'],
      says: { INVALID_CERTIFICATE: says },
    }),
  ),
  {
    name: 'rejects an intermediate without keyUsage (pyca/cryptography requires it)',
    build: (w) => {
      const noKu = createIntermediate(w.root, 'No KU', { keyUsage: false });
      return { files: chainFiles(createLeaf(noKu), noKu) };
    },
    expect: ['INVALID_CERTIFICATE'],
    says: { INVALID_CERTIFICATE: /No KU.*no keyUsage/ },
  },
  {
    name: 'rejects an intermediate whose basicConstraints are not critical',
    build: (w) => {
      const soft = createIntermediate(w.root, 'Soft BC', { basicConstraints: { ca: true, critical: false } });
      return { files: chainFiles(createLeaf(soft), soft) };
    },
    expect: ['INVALID_CERTIFICATE'],
  },

  // ── what was sent ────────────────────────────────────────────────────────────────────────
  {
    name: 'finds no certificate in unrelated text',
    build: () => ({ files: [file('note.txt', 'Hello, the certificate will follow tomorrow.')] }),
    expect: ['NO_CERTIFICATE'],
    says: { NO_CERTIFICATE: /note\.txt/ },
  },
  {
    name: 'explains a CSR sent back instead of a certificate',
    build: () => ({ files: [file('request.csr', createCsr(generateKey()))] }),
    expect: ['NO_CERTIFICATE'],
    says: { NO_CERTIFICATE: /certificate signing request/ },
  },
  {
    name: 'reports a file with damaged base64',
    build: (w) => ({ files: [...chainFiles(w.leaf, w.int), file('broken.pem', w.int.pem.replace(/\n[A-Za-z]/, '\n!'))] }),
    expect: ['UNREADABLE'],
    says: { UNREADABLE: /broken\.pem.*damaged/ },
  },
  {
    name: 'reports a truncated PEM',
    build: (w) => ({ files: [file('cut.pem', w.leaf.pem.slice(0, 300))] }),
    expect: ['NO_CERTIFICATE', 'UNREADABLE'],
    says: { UNREADABLE: /cut off/ },
  },
  {
    name: 'reports a DER certificate with a corrupted body',
    build: (w) => ({ files: [file('bad.cer', Buffer.concat([w.leaf.der.subarray(0, 40), Buffer.alloc(w.leaf.der.length - 40, 0x41)]))] }),
    expect: ['NO_CERTIFICATE', 'UNREADABLE'],
  },
  {
    name: 'reports a private key and never keeps it',
    build: (w) => {
      const key = generateKey().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      return { files: [...chainFiles(w.leaf, w.int), file('server.key', key)] };
    },
    expect: ['PRIVATE_KEY_SENT'],
    says: { PRIVATE_KEY_SENT: /server\.key/ },
  },
];

/** Findings about one certificate; NOT_SERVER_CERT too when there is a leaf (else it is about the lack of one). */
const ABOUT_A_CERTIFICATE = new Set<FindingCode>([
  'KEY_MISMATCH',
  'CURRENT_CERTIFICATE',
  'HOSTNAME_MISMATCH',
  'INCOMPLETE_CHAIN',
  'UNTRUSTED_ROOT',
  'REVOKED',
  'EXPIRED',
  'NOT_YET_VALID',
  'VALIDITY_TOO_LONG',
  'WEAK_SIGNATURE',
  'WEAK_KEY',
  'INVALID_CERTIFICATE',
  'ROOT_INCLUDED',
  'EXTRA_CERTIFICATES',
  'EXPIRES_SOON',
]);

/**
 * Customer-facing accuracy (issue 17): a finding about a certificate names it exactly (subject,
 * issuer, serial as openssl shows it); every error says what to do, in plain words.
 */
function expectCustomerReadable(f: { code: FindingCode; severity: string; message: string }, hasLeaf: boolean): void {
  if (ABOUT_A_CERTIFICATE.has(f.code) || (f.code === 'NOT_SERVER_CERT' && hasLeaf)) {
    expect(f.message, f.code).toMatch(/\(subject “[^”]*”, issuer “[^”]*”, serial [0-9A-F]+[;)]/);
  }
  if (f.severity === 'error') expect(f.message, f.code).toMatch(/\b[Pp]lease (also )?(send|ask|order|reply|export)\b/);
  expect(f.message, f.code).not.toMatch(/undefined|\[object|NaN/);
}

describe('checkBundle against a generated corpus', () => {
  let world: World;
  beforeAll(() => {
    const root = createRoot('Test Root', { key: { kind: 'rsa', slot: 'root' } });
    const int = createIntermediate(root, 'Test Intermediate', { key: { kind: 'ec', curve: 'P-384' } });
    const otherRoot = createRoot('Other Root');
    world = { root, int, leaf: createLeaf(int), otherRoot, otherInt: createIntermediate(otherRoot, 'Other Int') };
  });

  it.each(cases)('$name', async (c) => {
    const { files, roots, input } = c.build(world);
    const report = await check(files, roots ?? [world.root], input);
    expectWellFormed(report);
    expect(codes(report)).toEqual([...c.expect].sort());
    for (const [code, pattern] of Object.entries(c.says ?? {})) {
      expect(
        report.findings
          .filter((f) => f.code === code)
          .map((f) => f.message)
          .join('\n'),
      ).toMatch(pattern!);
    }
    if (c.chainLength !== undefined) expect(report.chain).toHaveLength(c.chainLength);
    for (const f of report.findings) expectCustomerReadable(f, report.leaf !== undefined);
  });

  it('covers every finding code of the contract', () => {
    const covered = new Set(cases.flatMap((c) => c.expect));
    expect(FINDING_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  it('builds the fullchain as leaf then intermediates in path order, without the root', async () => {
    const { root, int, leaf } = world;
    const report = await check(chainFiles(root, int, leaf), [root]);
    expect(report.fullchainPem).toBe(leaf.pem + int.pem);
    expect(report.chain.map((c) => c.sha256)).toEqual([leaf.sha256, int.sha256]);
    expect(report.leaf).toMatchObject({
      dnsNames: [DOMAIN],
      keyType: 'ec',
      keyBits: 256,
      sha256: leaf.sha256,
      notAfter: new Date(leaf.x509.validTo).toISOString(),
    });
  });

  it('validates at the current time when no time is given', async () => {
    const { root, int } = world;
    const current = createLeaf(int, [DOMAIN], { notBefore: new Date(Date.now() - DAY), validityDays: 90 });
    const report = await check(chainFiles(current, int), [root], { at: undefined });
    expect(report.ok).toBe(true);
    expect(TEST_NOW.getTime()).toBeLessThan(Date.now());
  });
});
