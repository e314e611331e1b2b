/**
 * x509-limbo (https://github.com/C2SP/x509-limbo) cases run through checkBundle, shared by the
 * conformance test and the limbo benchmark. A case agrees when certdesk accepts it exactly when
 * the suite expects SUCCESS, ignoring certdesk's own policy findings about the leaf's lifetime,
 * expiry soon and key match (they are not path validation).
 */
import { readFileSync } from 'node:fs';
import { checkBundle } from '../../src/core/bundle/check-bundle.js';
import type { FindingCode } from '../../src/core/bundle/findings.js';
import type { BundleReport, CheckBundleInput } from '../../src/core/bundle/types.js';

export interface LimboCase {
  id: string;
  description: string;
  features?: string[];
  conflicts_with?: string[];
  validation_kind: string;
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: { kind: string; value: string } | null;
  max_chain_depth: number | null;
  crls: string[];
}

/** Which part of the score a case counts in: the 169 main cases, the CRL cases, the depth cases. */
export type LimboGroup = 'main' | 'crl' | 'depth';

/** Findings that are certdesk's policy about the order, not path validation: ignored when scoring. */
export const POLICY_ONLY: ReadonlySet<FindingCode> = new Set<FindingCode>(['VALIDITY_TOO_LONG', 'EXPIRES_SOON', 'KEY_MISMATCH']);

export function readLimboCases(file: string): LimboCase[] {
  const suite = JSON.parse(readFileSync(file, 'utf8')) as { testcases: LimboCase[] };
  return suite.testcases;
}

/** SERVER cases with a DNS peer name, each with its group (has-crl first, then max-chain-depth). */
export function serverDnsCases(cases: LimboCase[]): { testCase: LimboCase; group: LimboGroup }[] {
  return cases
    .filter((c) => c.validation_kind === 'SERVER' && c.expected_peer_name?.kind === 'DNS')
    .map((testCase) => {
      const features = testCase.features ?? [];
      const group: LimboGroup = features.includes('has-crl') ? 'crl' : features.includes('max-chain-depth') ? 'depth' : 'main';
      return { testCase, group };
    });
}

/** checkBundle's input for a case: the peer and untrusted intermediates as files, the case's roots only. */
export function limboInput(c: LimboCase): CheckBundleInput {
  return {
    domain: c.expected_peer_name!.value,
    files: [{ name: 'peer.pem', data: c.peer_certificate }, ...c.untrusted_intermediates.map((pem, i) => ({ name: `intermediate-${i + 1}.pem`, data: pem }))],
    trustedRootsPem: c.trusted_certs,
    useSystemRoots: false,
    ...(c.validation_time ? { at: new Date(c.validation_time) } : {}),
    ...(c.max_chain_depth !== null ? { maxChainDepth: c.max_chain_depth } : {}),
    ...(c.crls.length > 0 ? { crls: c.crls } : {}),
  };
}

export interface LimboOutcome {
  id: string;
  group: LimboGroup;
  expected: 'SUCCESS' | 'FAILURE';
  accepted: boolean;
  agrees: boolean;
  /** The error findings that decided a refusal (or nothing when accepted). */
  errors: { code: FindingCode; message: string }[];
  report: BundleReport;
}

export async function runLimboCase(testCase: LimboCase, group: LimboGroup): Promise<LimboOutcome> {
  const report = await checkBundle(limboInput(testCase));
  const errors = report.findings.filter((f) => f.severity === 'error' && !POLICY_ONLY.has(f.code)).map(({ code, message }) => ({ code, message }));
  const accepted = errors.length === 0;
  return {
    id: testCase.id,
    group,
    expected: testCase.expected_result,
    accepted,
    agrees: accepted === (testCase.expected_result === 'SUCCESS'),
    errors,
    report,
  };
}
