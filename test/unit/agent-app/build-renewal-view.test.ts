import { describe, expect, it } from 'vitest';
import { buildRenewalView, colonHex, type RenewalFacts, type TransitionFacts } from '../../../src/core/agent-app/build-renewal-view.js';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import type { RenewalState } from '../../../src/core/workflow/renewal-states.js';
import { generateKey } from '../../helpers/pki/keys.js';
import { TEST_NOW } from '../../helpers/pki/certificate.js';
import { createChain } from '../../helpers/pki/chain.js';
import { createCsr, issueForCsr } from '../../helpers/pki/csr.js';

const SITE = 'my.example.com';
const NOW = TEST_NOW;

function renewal(patch: Partial<RenewalFacts> = {}): RenewalFacts {
  return {
    ticketId: 42,
    state: 'awaiting_certificate',
    site: SITE,
    fields: { siteUrl: SITE, country: 'GB', state: 'Greater London', locality: 'London', organization: 'Example Ltd', email: 'it@example.com' },
    problems: [],
    csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
    csrSpkiSha256: '0b33d0172ab8330388fed03e5b74235048f60de369b4b382d3ad0914fdf08908',
    findings: null,
    certificate: null,
    version: 3,
    createdAt: NOW.getTime() - 3600_000,
    updatedAt: NOW.getTime(),
    ...patch,
  };
}

describe('which actions the sidebar offers, by state (read from the transition table)', () => {
  it.each<[RenewalState, boolean, boolean]>([
    ['ignored', false, false],
    ['needs_info', false, false],
    ['needs_review', false, false],
    ['rejected', false, false],
    ['awaiting_certificate', true, false],
    ['installing', false, false],
    ['installed', false, false],
    ['install_failed', true, true],
  ])('%s: regenerate %s, retry %s', (state, regenerate, retry) => {
    const actions = buildRenewalView(renewal({ state }), [], NOW).actions;
    expect(actions.map((a) => [a.action, a.available])).toEqual([
      ['regenerate_csr', regenerate],
      ['retry_install', retry],
    ]);
    for (const a of actions.filter((x) => !x.available)) expect(a.explanation).toMatch(/applies only when the renewal is .*; this one is /);
  });
});

describe('the renewal view', () => {
  it('shows the CSR with its public-key fingerprint, the request fields in form order and the OU note', () => {
    const view = buildRenewalView(renewal({ fields: { ...renewal().fields, organizationalUnit: 'IT' } }), [], NOW);
    expect(view.csr).toEqual({
      pem: renewal().csrPem,
      fileName: 'my.example.com.csr',
      publicKeySha256: renewal().csrSpkiSha256,
      publicKeyFingerprint: '0B:33:D0:17:2A:B8:33:03:88:FE:D0:3E:5B:74:23:50:48:F6:0D:E3:69:B4:B3:82:D3:AD:09:14:FD:F0:89:08',
    });
    expect(view.fields.map((f) => f.label)).toEqual([
      'Site',
      'Organization',
      'Organizational unit',
      'Locality (city)',
      'State or province',
      'Country',
      'Contact email',
    ]);
    expect(view.fields.find((f) => f.field === 'organizationalUnit')!.note).toMatch(/not in the CSR/);
    expect(Object.keys(view)).not.toContain('keyId');
  });

  it('tells the history in plain words, including a command that did nothing', () => {
    const t = (from: string, to: string, event: string, effects: string[], minutes: number): TransitionFacts => ({
      from,
      to,
      event,
      effects,
      createdAt: NOW.getTime() + minutes * 60_000,
    });
    const view = buildRenewalView(
      renewal(),
      [
        t('new', 'needs_info', 'request_incomplete', ['comment_needs_info'], 0),
        t('needs_info', 'awaiting_certificate', 'request_valid', ['generate_key_and_csr', 'comment_csr'], 5),
        t('awaiting_certificate', 'awaiting_certificate', 'command:retry_install', ['note_command_ignored', 'remove_command_tag'], 9),
        t('awaiting_certificate', 'awaiting_certificate', 'command:some_future_command', [], 10),
      ],
      NOW,
    );
    expect(view.history.map((h) => h.description)).toEqual([
      'The request had missing or invalid fields: the customer was asked to complete the form.',
      'The request was complete and the organization owns the site: a key pair and CSR were issued and sent.',
      'An agent added the retry install command, which does nothing in this state: an internal note says why.',
      'command some future command.',
    ]);
    expect(view.history[1]!.at).toBe(new Date(NOW.getTime() + 5 * 60_000).toISOString());
  });

  it("puts the last validation report's findings in plain words, with the submitted certificate", async () => {
    const { leaf, intermediate } = createChain({ dnsNames: [SITE] });
    const csrPem = createCsr(generateKey(), [SITE]);
    const report = await checkBundle({
      domain: SITE,
      files: [{ name: 'bundle.pem', data: leaf.pem + intermediate.pem }],
      csrPem,
      useSystemRoots: false,
      at: NOW,
    });
    const { fullchainPem: _, ...stored } = report;
    const view = buildRenewalView(renewal({ findings: stored }), [], NOW);
    expect(view.validation!.findings.map((f) => f.code)).toEqual(report.findings.map((f) => f.code));
    expect(view.validation!.findings.map((f) => f.message)).toEqual(report.findings.map((f) => f.message));
    expect(view.validation!.summary).toMatch(/^The last certificate the customer sent was rejected: \d+ problems? to fix/);
    expect(view.certificate).toMatchObject({ status: 'submitted', leaf: { subject: report.leaf!.subject, dnsNames: [SITE], notAfter: report.leaf!.notAfter } });
  });

  it('shows an accepted certificate with its chain and days left, and as installed once installed', async () => {
    const { root, intermediate } = createChain({ dnsNames: [SITE] });
    const key = generateKey();
    const csrPem = createCsr(key, [SITE]);
    const leaf = issueForCsr(csrPem, intermediate, { dnsNames: [SITE] });
    const report = await checkBundle({
      domain: SITE,
      files: [{ name: 'bundle.pem', data: leaf.pem + intermediate.pem }],
      csrPem,
      useSystemRoots: false,
      trustedRootsPem: [root.pem],
      at: NOW,
    });
    expect(report.ok).toBe(true);
    const accepted = { leaf: report.leaf, chain: report.chain };
    const expected = Math.floor((Date.parse(report.leaf!.notAfter) - NOW.getTime()) / 86_400_000);
    for (const [state, status] of [
      ['installing', 'accepted'],
      ['install_failed', 'accepted'],
      ['installed', 'installed'],
    ] as const) {
      const view = buildRenewalView(renewal({ state, certificate: accepted, findings: report }), [], NOW);
      expect(view.certificate).toMatchObject({ status, daysLeft: expected, leaf: { issuer: report.leaf!.issuer, sha256: report.leaf!.sha256 } });
      expect(view.certificate!.chain.map((c) => c.subject)).toEqual(report.chain.map((c) => c.subject));
      expect(view.validation!.summary).toBe('The last certificate the customer sent passed validation.');
    }
    // The accepted certificate may also be stored as the leaf's CertSummary alone.
    expect(buildRenewalView(renewal({ state: 'installed', certificate: report.leaf }), [], NOW).certificate!.chain).toHaveLength(1);
  });

  it.each([
    {
      name: 'lines of text (the install stage)',
      log: ['copied fullchain.pem', 'reloaded nginx'],
      lines: [
        { at: null, level: 'info', message: 'copied fullchain.pem' },
        { at: null, level: 'info', message: 'reloaded nginx' },
      ],
    },
    {
      name: 'one string',
      log: 'copied\n\nreloaded\n',
      lines: [
        { at: null, level: 'info', message: 'copied' },
        { at: null, level: 'info', message: 'reloaded' },
      ],
    },
    {
      name: 'structured lines',
      log: [{ at: '2026-01-01T00:00:00.000Z', level: 'error', message: 'not served' }, { nonsense: true }],
      lines: [{ at: '2026-01-01T00:00:00.000Z', level: 'error', message: 'not served' }],
    },
    { name: 'no log field at all', log: undefined, lines: null },
  ])('shows the installer log given as $name', ({ log, lines }) => {
    const facts = renewal({ state: 'install_failed' });
    if (log !== undefined) facts.installLog = log;
    expect(buildRenewalView(facts, [], NOW).installLog).toEqual(lines);
  });

  it('ignores stored reports it cannot read instead of failing', () => {
    const view = buildRenewalView(renewal({ findings: { findings: 'nope' }, certificate: { subject: 42 } }), [], NOW);
    expect(view.validation).toBeNull();
    expect(view.certificate).toBeNull();
  });

  it('formats fingerprints as browsers do', () => {
    expect(colonHex('0a1b2c')).toBe('0A:1B:2C');
  });
});
