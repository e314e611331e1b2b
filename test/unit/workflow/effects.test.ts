import { beforeAll, describe, expect, it } from 'vitest';
import {
  EFFECTS,
  commentBody,
  effectKey,
  type EffectDefinition,
  type EffectFacts,
  type EffectTable,
  type InternalNote,
  type PublicComment,
} from '../../../src/core/workflow/effects.js';
import { TRANSITIONS, decide, type Effect } from '../../../src/core/workflow/transitions.js';
import { ALL_STATE_TAGS, STATE_STATUS, STATE_TAGS } from '../../../src/core/workflow/renewal-states.js';
import { LINKED_TAG } from '../../../src/core/proactive/proactive-tags.js';
import { parseDomainRegistry } from '../../../src/core/registry/domain-registry.js';
import { keyExposedParagraph, type KeyNotice } from '../../../src/core/messages/key-exposed-comments.js';
import { generateKeyPair } from '../../../src/core/keys/generate-key-pair.js';
import { buildCsr } from '../../../src/core/csr/build-csr.js';
import { NonRetryableError } from '../../../src/lib/errors.js';

const SITE = 'my.example.com';
const { registry } = parseDomainRegistry([{ domain: SITE, organizationId: 5, contacts: ['ops@example.com', 'Anna@Example.com'], issuance: 'offer' }]);

function facts(over: { context?: Record<string, unknown>; renewal?: Partial<EffectFacts['renewal']>; to?: EffectFacts['transition']['to'] } = {}): EffectFacts {
  return {
    transition: { id: 42, ticketId: 7, from: 'new', to: over.to ?? 'needs_info', context: over.context ?? {} },
    renewal: { ticketId: 7, site: SITE, fields: { email: 'anna@example.com' }, problems: [], csrPem: null, csrSpkiSha256: null, ...over.renewal },
    now: new Date('2026-12-01T00:00:00Z'),
    registry,
    ticketLink: (id) => `https://help.example.com/requests/${id}`,
  };
}

const ticketUpdate = (effect: Effect): PublicComment | InternalNote => {
  const definition: EffectDefinition = EFFECTS[effect];
  if (definition.kind !== 'public_comment' && definition.kind !== 'internal_note') throw new Error(`${effect} is not a ticket update`);
  return definition;
};

describe('the effect table', () => {
  it('does not compile without a definition for every effect, or with one for an effect the workflow does not have', () => {
    const { comment_installed: _dropped, ...others } = EFFECTS;
    // @ts-expect-error Property 'comment_installed' is missing: every effect needs its definition.
    const incomplete: EffectTable = others;
    const extra: EffectTable = {
      ...EFFECTS,
      // @ts-expect-error 'comment_thanks' is not an Effect of transitions.ts.
      comment_thanks: { kind: 'internal_note', message: () => ({ body: 'Thanks' }) },
    };
    expect(Object.keys(incomplete)).not.toContain('comment_installed');
    expect(Object.keys(extra)).toContain('comment_thanks');
  });

  it('defines exactly the effects that the transitions and the ignored-command answer name', () => {
    const named = new Set<string>([...TRANSITIONS.flatMap((row) => row.effects), ...decide('installed', { type: 'command', command: 'approve' }).effects]);
    expect(Object.keys(EFFECTS).sort()).toEqual([...named].sort());
  });

  it('keys each effect by its transition, as the store has always recorded it', () => {
    expect(effectKey(42, 'comment_csr')).toBe('tr:42:comment_csr');
    expect(effectKey(42, 'mail')).toBe('tr:42:mail');
  });

  // DESIGN §1: each state's comment, tag and ticket status.
  it.each([
    ['comment_needs_info', 'public_comment', 'pending', STATE_TAGS.needs_info],
    ['comment_rejected', 'public_comment', 'solved', STATE_TAGS.rejected],
    ['comment_needs_review', 'public_comment', 'open', STATE_TAGS.needs_review],
    ['note_needs_review', 'internal_note', undefined, undefined],
    ['comment_csr', 'public_comment', 'pending', STATE_TAGS.csr_sent],
    ['comment_linked', 'public_comment', 'solved', LINKED_TAG],
    ['comment_bundle_invalid', 'public_comment', 'pending', STATE_TAGS.bundle_invalid],
    ['comment_installing', 'public_comment', 'hold', STATE_TAGS.installing],
    ['note_certificate_summary', 'internal_note', undefined, undefined],
    ['note_retrying_install', 'internal_note', 'hold', STATE_TAGS.installing],
    ['comment_installed', 'public_comment', 'solved', STATE_TAGS.installed],
    ['note_install_failed', 'internal_note', 'open', STATE_TAGS.install_failed],
    ['note_certificate_ignored', 'internal_note', undefined, undefined],
    ['note_command_ignored', 'internal_note', undefined, undefined],
  ] as const)('%s is a %s that sets status %s and tag %s', (effect, kind, status, tag) => {
    const definition = ticketUpdate(effect);
    expect(definition.kind).toBe(kind);
    const s = definition.status;
    expect(s === undefined ? undefined : 'fixed' in s ? s.fixed : STATE_STATUS[s.ofState]).toBe(status);
    expect(definition.tags?.addTags.at(-1)).toBe(tag);
    // The state tag replaces every other: exactly one is on the ticket at a time.
    if (tag)
      expect(
        [...definition.tags!.addTags, ...definition.tags!.removeTags]
          .filter((t) => (ALL_STATE_TAGS as readonly string[]).includes(t) || t === LINKED_TAG)
          .sort(),
      ).toEqual([...new Set([...ALL_STATE_TAGS, tag])].sort());
  });

  it('tells the customer about a private key they sent in the answers to a request, and nowhere else', () => {
    const notice: KeyNotice = { places: ['your message'], ofSentCertificate: false };
    const paragraph = keyExposedParagraph(notice);
    const f = facts({
      context: {
        keyNotice: notice,
        site: SITE,
        ticketOrg: null,
        ownerOrg: { name: 'Example BV' },
        linkedTicketId: 3,
        tag: 'cert_renewal_approve',
        report: { ok: false, findings: [{ severity: 'error', message: 'The file is empty.' }], chain: [], privateKeyFiles: [], addedIntermediates: [] },
        sha256: 'ab',
        notAfter: '2027-06-01T00:00:00Z',
        error: 'refused',
        log: [],
      },
      renewal: { csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----', csrSpkiSha256: 'cd' },
    });
    const carrying = (
      [
        'comment_needs_info',
        'comment_rejected',
        'comment_needs_review',
        'comment_csr',
        'comment_linked',
        'comment_bundle_invalid',
        'comment_installed',
        'note_needs_review',
        'note_command_ignored',
        'note_retrying_install',
      ] as const
    ).filter((effect) => commentBody(ticketUpdate(effect), f).endsWith(paragraph));
    expect(carrying).toEqual(['comment_needs_info', 'comment_rejected', 'comment_needs_review', 'comment_csr', 'comment_linked']);
    expect(commentBody(ticketUpdate('comment_needs_info'), facts())).not.toContain('private key');
  });

  it('refuses, for good, to answer about a renewal that has no site', () => {
    expect(() => ticketUpdate('comment_rejected').message(facts({ renewal: { site: null } }))).toThrow(new NonRetryableError('renewal 7 has no site'));
  });

  it('links a duplicate request to the ticket whose renewal is in progress', () => {
    expect(ticketUpdate('comment_linked').message(facts({ context: { linkedTicketId: 3 } })).body).toContain('https://help.example.com/requests/3');
  });

  describe('comment_csr', () => {
    let csr: { csrPem: string; spkiSha256: string };
    beforeAll(async () => {
      csr = await buildCsr(
        { site: SITE, country: 'NL', state: 'Noord-Holland', locality: 'Amsterdam', organization: 'Example BV' },
        await generateKeyPair('rsa-2048'),
      );
    });
    const withCsr = () => facts({ to: 'awaiting_certificate', renewal: { csrPem: csr.csrPem, csrSpkiSha256: csr.spkiSha256 } });

    it('sends the renewal CSR inline, attached as <site>.csr, and by e-mail to the request contact and the site contacts', () => {
      const definition = ticketUpdate('comment_csr');
      const body = definition.message(withCsr()).body;
      expect(body).toContain(csr.csrPem.trim());
      expect(body).toContain(csr.spkiSha256);
      expect(body).toContain('automatic'); // the registry offers this site an ACME certificate
      expect(definition.files!(withCsr())).toEqual([{ name: `${SITE}.csr`, contentType: 'application/pkcs10', text: csr.csrPem }]);
      expect(definition.notification!(withCsr())).toEqual({
        kind: 'csr_ready',
        ticketId: 7,
        site: SITE,
        to: ['anna@example.com', 'ops@example.com'],
        csrPem: csr.csrPem,
        spkiSha256: csr.spkiSha256,
      });
    });

    it('refuses, for good, when the renewal has no CSR yet', () => {
      expect(() => ticketUpdate('comment_csr').message(facts())).toThrow(new NonRetryableError('renewal 7 has no CSR to send'));
    });
  });

  it('e-mails an install failure to operations, with the error the note gives agents', () => {
    const f = facts({ to: 'install_failed', context: { error: 'nginx -t failed', rolledBack: true, previousServed: true, attempts: 3, log: ['tested'] } });
    const definition = ticketUpdate('note_install_failed');
    expect(definition.message(f).body).toContain('nginx -t failed');
    expect(definition.notification!(f)).toEqual({ kind: 'install_failed', ticketId: 7, site: SITE, error: 'nginx -t failed' });
  });
});
