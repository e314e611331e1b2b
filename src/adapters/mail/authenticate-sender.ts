import type { InboundSource } from '../../ports/store.js';
import type { SenderAuthenticator } from '../../ports/sender-authenticator.js';
import { readHeaderBlock } from '../../core/mail/read-header-block.js';
import { readSmtpClientHeader } from '../../core/mail/smtp-client-header.js';
import { authenticationFromRelay, type DmarcResult, type SenderAuthentication } from '../../core/mail/sender-authentication.js';

/** mailauth's resolver contract: like `dns.promises.resolve`; TXT answers are arrays of chunks. */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

export interface SenderAuthOptions {
  /** INBOUND_SENDER_AUTH: `dmarc` checks every inbound e-mail; `off` trusts From as written. */
  mode: 'dmarc' | 'off';
  /** INBOUND_TRUSTED_RELAY: the authserv-id whose Authentication-Results header is trusted. */
  trustedRelay: string | null;
  /** DNS for SPF, DKIM keys and DMARC policies; default the system resolver. Tests pass a table. */
  resolver?: DnsResolver;
}

/**
 * Sender authentication with mailauth (DKIM, SPF, DMARC):
 * - with a trusted relay, its Authentication-Results header is read and no DNS lookup is made;
 * - mail from certdesk's SMTP listener is checked in full: SPF for the client address and HELO the
 *   listener recorded on top of the message, DKIM, and DMARC over both;
 * - mail from `POST /inbound/email` has no client address (the relay that posts it is not the
 *   sender's server), so DMARC rests on DKIM alone: a domain that aligns only through SPF fails,
 *   which is why a relay that checks should be named in INBOUND_TRUSTED_RELAY.
 */
export function createSenderAuthenticator(options: SenderAuthOptions): SenderAuthenticator {
  const check = checkWith(options);
  return async (raw, source) => {
    if (options.mode === 'off') return { method: 'off', dmarc: 'none', fromDomain: null, summary: 'sender authentication is off (INBOUND_SENDER_AUTH=off)' };
    try {
      return await check(raw, source);
    } catch (error) {
      // A message mailauth cannot process is not verified; retrying would not change that.
      return {
        method: source === 'smtp' ? 'smtp' : 'dkim',
        dmarc: 'permerror',
        fromDomain: null,
        summary: `the message could not be checked (${(error as Error).message})`,
      };
    }
  };
}

function checkWith(options: SenderAuthOptions): (raw: Buffer, source: InboundSource) => Promise<SenderAuthentication> {
  return async (raw, source) => {
    const block = readHeaderBlock(raw);
    const fields = block.ok ? block.fields : [];
    if (options.trustedRelay) return authenticationFromRelay(fields, options.trustedRelay);

    const mailauth = await import('mailauth');
    const resolver = options.resolver ? { resolver: options.resolver } : {};
    const client = source === 'smtp' ? readSmtpClientHeader(fields) : null;
    if (client) {
      const result = await mailauth.authenticate(raw, {
        ip: client.ip,
        helo: client.helo,
        sender: client.mailFrom,
        mta: 'certdesk',
        disableArc: true,
        disableBimi: true,
        ...resolver,
      });
      return verdict('smtp', result.dkim.results, result.spf ? result.spf.status.result : 'none', result.dmarc || null);
    }
    const dkim = await mailauth.dkimVerify(raw, resolver);
    const dmarc =
      dkim.headerFrom.length === 1
        ? await mailauth.dmarc({
            headerFrom: dkim.headerFrom,
            spfDomains: [],
            dkimDomains: dkim.results
              .filter((r) => r.status.result === 'pass')
              .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
            ...resolver,
          } as Parameters<typeof mailauth.dmarc>[0])
        : null;
    return verdict('dkim', dkim.results, 'none', dmarc || null);
  };
}

interface DmarcOutcome {
  status: { result: string; comment?: string | boolean; header?: { from?: string } };
  domain?: string;
}

/** mailauth's results as certdesk's verdict; a lookup failure behind a DMARC fail is a temperror. */
function verdict(method: 'smtp' | 'dkim', dkim: { status: { result: string } }[], spf: string, dmarc: DmarcOutcome | null): SenderAuthentication {
  const dkimResult = dkim.some((r) => r.status.result === 'pass') ? 'pass' : (dkim[0]?.status.result ?? 'none');
  let result: DmarcResult;
  if (!dmarc) result = 'fail';
  else if ((['pass', 'fail', 'none', 'temperror', 'permerror'] as string[]).includes(dmarc.status.result)) result = dmarc.status.result as DmarcResult;
  else result = 'permerror';
  // A DKIM key or SPF record that could not be fetched may be why DMARC failed: try again later.
  if (result === 'fail' && (dkimResult === 'temperror' || spf === 'temperror')) result = 'temperror';
  const comment = typeof dmarc?.status.comment === 'string' && dmarc.status.comment ? ` (${dmarc.status.comment})` : '';
  return {
    method,
    dmarc: result,
    fromDomain: dmarc?.status.header?.from ?? dmarc?.domain ?? null,
    summary: dmarc
      ? `dkim=${dkimResult} spf=${method === 'dkim' ? 'none (no client address over HTTP)' : spf} dmarc=${dmarc.status.result}${comment}`
      : `dkim=${dkimResult}: the From header does not name exactly one address`,
  };
}
