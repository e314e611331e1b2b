/** Shared helpers for the bundle tests: running checkBundle against a private root and reading reports. */
import { expect } from 'vitest';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import type { BundleFile, BundleReport, CheckBundleInput } from '../../../src/core/bundle/types.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { TEST_NOW } from '../../helpers/pki/certificate.js';

export const DOMAIN = 'my.example.com';

/** checkBundle with the test's roots only and the fixed test time, unless the case says otherwise. */
export function check(files: BundleFile[], roots: TestCertificate[], extra: Partial<CheckBundleInput> = {}): Promise<BundleReport> {
  return checkBundle({ domain: DOMAIN, files, trustedRootsPem: roots.map((r) => r.pem), useSystemRoots: false, at: TEST_NOW, ...extra });
}

export const codes = (report: BundleReport) => [...new Set(report.findings.map((f) => f.code))].sort();

/** Invariants every report must keep, whatever went in. */
export function expectWellFormed(report: BundleReport): void {
  expect(report.ok).toBe(!report.findings.some((f) => f.severity === 'error'));
  expect(report.fullchainPem !== undefined).toBe(report.ok && report.chain.length > 0);
  if (report.leaf && report.chain.length > 0) expect(report.chain[0]!.sha256).toBe(report.leaf.sha256);
  for (const f of report.findings) {
    expect(f.message.length).toBeGreaterThan(20);
    expect(['error', 'warning']).toContain(f.severity);
  }
  expect(JSON.stringify(report)).not.toMatch(/PRIVATE KEY-----|PuTTY-User-Key/);
  if (report.fullchainPem) {
    const blocks = report.fullchainPem.match(/-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n/g) ?? [];
    expect(blocks.join('')).toBe(report.fullchainPem);
    expect(blocks.length).toBe(report.chain.length);
  }
}

export const file = (name: string, data: string | Buffer): BundleFile => ({ name, data });

/** A MIME e-mail as a CA or a customer sends it: a text body, attachments (base64), forwarded messages. */
export function email(parts: {
  subject?: string;
  text?: string;
  html?: string;
  attachments?: { name: string; content: string | Buffer; type?: string }[];
  forwarded?: string[];
  quotedPrintable?: boolean;
}): string {
  const boundary = `b${Math.random().toString(36).slice(2)}`;
  const lines = [
    'From: "Certificate Authority" <noreply@ca.example.net>',
    'To: it@example.com',
    `Subject: ${parts.subject ?? 'Your certificate for my.example.com'}`,
    'Date: Thu, 01 Jan 2026 10:00:00 +0000',
    'Message-ID: <test@ca.example.net>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
  ];
  const part = (headers: string[], body: string) => lines.push(`--${boundary}`, ...headers, '', body);
  if (parts.text !== undefined) {
    if (parts.quotedPrintable) {
      const qp = parts.text
        .replace(/=/g, '=3D')
        .split('\n')
        .map((l) => (l.length > 70 ? `${l.slice(0, 70)}=\n${l.slice(70)}` : l))
        .join('\n');
      part(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], qp);
    } else part(['Content-Type: text/plain; charset=utf-8'], parts.text);
  }
  if (parts.html !== undefined) part(['Content-Type: text/html; charset=utf-8'], parts.html);
  for (const a of parts.attachments ?? []) {
    const b64 = Buffer.from(a.content).toString('base64').replace(/.{76}/g, '$&\n');
    part(
      [
        `Content-Type: ${a.type ?? 'application/octet-stream'}; name="${a.name}"`,
        `Content-Disposition: attachment; filename="${a.name}"`,
        'Content-Transfer-Encoding: base64',
      ],
      b64,
    );
  }
  for (const f of parts.forwarded ?? []) part(['Content-Type: message/rfc822', 'Content-Disposition: attachment'], f);
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n').replace(/\r?\n/g, '\r\n');
}
