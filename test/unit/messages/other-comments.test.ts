import { describe, expect, it } from 'vitest';
import { commandIgnoredNote } from '../../../src/core/messages/command-ignored-note.js';
import { needsInfoComment } from '../../../src/core/messages/needs-info-comment.js';
import { needsReviewInternalNote, needsReviewPublicComment, type NeedsReviewInput } from '../../../src/core/messages/needs-review-comments.js';
import { rejectedComment } from '../../../src/core/messages/rejected-comment.js';
import type { AgentCommandTag, RenewalStateName } from '../../../src/core/messages/types.js';
import { parseRenewalRequest } from '../../../src/core/request/parse-renewal-request.js';
import { REQUEST_FORM, formLabel } from '../../../src/core/request/request-form.js';

describe('needsInfoComment', () => {
  const parsed = parseRenewalRequest({
    subject: 'Certificate renewal',
    text: 'Site URL: https://my.proseware.co.uk/\nCountry Name: Atlantis\nState or Province Name: West Yorkshire\nLocality Name: Leeds\nOrganizational Unit Name: IT',
  });
  const { body } = needsInfoComment(parsed.problems, parsed.fields);

  it('lists each problem by its field label, in the order of the form', () => {
    const listed = body.split('\n').filter((line) => line.startsWith('- '));
    expect(listed).toEqual([
      `- Country Name needs correcting: ${parsed.problems[0]!.message}`,
      `- Organization Full Name is missing: ${parsed.problems[1]!.message}`,
      `- Your email address is missing: ${parsed.problems[2]!.message}`,
    ]);
    expect(parsed.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['country:invalid', 'organization:missing', 'email:missing']);
  });

  it('gives the seven labels of the seed form, prefilled with the valid values and blank where a value is wrong or missing', () => {
    const form = body.slice(body.indexOf('```\n') + 4, body.lastIndexOf('\n```')).split('\n');
    expect(form).toEqual([
      'Site URL (e.g. my.example.com): my.proseware.co.uk',
      'Country Name (2 letter code, e.g. GB, CH, BE, NL):',
      'State or Province Name (full name): West Yorkshire',
      'Locality Name (city): Leeds',
      'Organization Full Name (e.g., Your Company Ltd):',
      'Organizational Unit Name (could be your department): IT',
      'Your email address:',
    ]);
    expect(form.map((line) => line.slice(0, line.indexOf(')') + 1 || line.indexOf(':')))).toEqual(REQUEST_FORM.map(formLabel));
  });

  it('names the site when it is known', () => {
    expect(body).toContain('renew the certificate for my.proseware.co.uk.');
    expect(needsInfoComment([], {}).body).toContain('renew the certificate. Before');
  });

  it('gives a form that certdesk reads back completely once the customer fills in the blanks', () => {
    const form = body.slice(body.indexOf('```\n') + 4, body.lastIndexOf('\n```'));
    const filled = form
      .replace('NL):', 'NL): GB')
      .replace('Company Ltd):', 'Company Ltd): Proseware Ltd')
      .replace('Your email address:', 'Your email address: it@proseware.co.uk');
    const reply = parseRenewalRequest({ text: filled });
    expect(reply.isRenewalRequest).toBe(true);
    expect(reply.problems).toEqual([]);
    expect(reply.fields).toMatchObject({ siteUrl: 'my.proseware.co.uk', country: 'GB', organization: 'Proseware Ltd' });
  });

  it('quoted back in an e-mail reply, gives no values but the prefilled ones', () => {
    const quoted = `GB is our country.\n\nOn Wed, 4 Mar 2026 at 11:02, Support wrote:\n${body
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n')}`;
    const reply = parseRenewalRequest({ text: quoted });
    expect(reply.fields).toEqual({
      siteUrl: 'my.proseware.co.uk',
      state: 'West Yorkshire',
      locality: 'Leeds',
      organizationalUnit: 'IT',
    });
  });
});

describe('rejectedComment', () => {
  const { body } = rejectedComment('my.unknown-company.com');

  it.each([
    ['names the site', /my\.unknown-company\.com/],
    ['explains new branded my.domains can no longer be requested', /New branded my\.domains can no longer be requested/],
    ['says only existing ones are renewed', /only renew the certificate of a branded my\.domain that already exists/],
    ['is kind', /Thank you for your request/],
    ['says how to correct a mistyped address', /reply to this ticket with the correct Site URL/],
  ])('%s', (_name, pattern) => {
    expect(body).toMatch(pattern);
  });

  it('mentions no internal tag', () => {
    expect(body).not.toMatch(/cert_renewal/);
  });
});

describe('needsReviewPublicComment', () => {
  it('says briefly that an agent is checking, and reveals nothing about ownership', () => {
    const { body } = needsReviewPublicComment();
    expect(body).toMatch(/An agent is checking it/);
    expect(body).not.toMatch(/organization|owner|registry/i);
    expect(body.split('\n').length).toBeLessThanOrEqual(4);
  });
});

describe('needsReviewInternalNote', () => {
  const base: NeedsReviewInput = {
    site: 'my.example.com',
    ticketOrg: { id: 9, name: 'Other Corp' },
    ownerOrg: { id: 7, name: 'Example Ltd' },
  };

  it.each<[string, Partial<NeedsReviewInput>, RegExp]>([
    [
      'another organization',
      {},
      /my\.example\.com belongs to "Example Ltd" \(organization 7\) in the domain registry, but this ticket's organization is "Other Corp" \(organization 9\)\./,
    ],
    ['no organization on the ticket', { ticketOrg: null }, /but this ticket has no organization/],
    [
      'an owner name that matches no Zendesk organization',
      { ownerOrg: { name: 'Example Ltd' } },
      /names "Example Ltd" as the owner of my\.example\.com, but no Zendesk organization has that name/,
    ],
  ])('says exactly why for %s', (_name, change, why) => {
    const { body } = needsReviewInternalNote({ ...base, ...change });
    expect(body).toMatch(why);
    expect(body).toMatch(/add the tag cert_renewal_approve to this ticket/);
  });

  it('names the requester and the registry contacts when known', () => {
    const { body } = needsReviewInternalNote({ ...base, requesterEmail: 'jane@other.example', ownerContacts: ['it@example.com', 'ops@example.com'] });
    expect(body).toContain('Requester: jane@other.example');
    expect(body).toContain('Registry contacts for my.example.com: it@example.com, ops@example.com');
  });
});

describe('commandIgnoredNote', () => {
  const VALID: Record<AgentCommandTag, RenewalStateName[]> = {
    cert_renewal_approve: ['needs_review'],
    cert_renewal_regenerate_csr: ['awaiting_certificate', 'install_failed'],
    cert_renewal_retry_install: ['install_failed'],
  };
  const STATES: RenewalStateName[] = ['ignored', 'needs_info', 'needs_review', 'rejected', 'awaiting_certificate', 'installing', 'installed', 'install_failed'];
  const ignoredCases = (Object.keys(VALID) as AgentCommandTag[]).flatMap((tag) =>
    STATES.filter((state) => !VALID[tag].includes(state)).map((state) => [tag, state] as const),
  );

  it.each(ignoredCases)('explains why %s did nothing in %s', (tag, state) => {
    const { body } = commandIgnoredNote(tag, state);
    expect(body).toContain(`the tag ${tag} did nothing`);
    expect(body).toContain(`It only works when the renewal is ${VALID[tag].join(' or ')}.`);
    expect(body).toContain(`This renewal is ${state}:`);
  });

  it.each([
    ['cert_renewal_approve', 'awaiting_certificate', /the CSR has already been sent/],
    ['cert_renewal_regenerate_csr', 'needs_review', /approve the renewal with cert_renewal_approve instead/],
    ['cert_renewal_retry_install', 'installed', /already installed/],
  ] as const)('suggests what to do instead for %s in %s', (tag, state, hint) => {
    expect(commandIgnoredNote(tag, state).body).toMatch(hint);
  });

  it('names the known commands for a tag it does not know', () => {
    expect(commandIgnoredNote('cert_renewal_reinstall', 'installed').body).toMatch(
      /not a command certdesk knows\. The commands are cert_renewal_approve, cert_renewal_regenerate_csr, cert_renewal_retry_install/,
    );
  });
});
