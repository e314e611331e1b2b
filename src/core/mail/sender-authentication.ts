import { parseAuthenticationResults } from './authentication-results.js';
import type { HeaderField } from './read-header-block.js';

/** DMARC's verdict on the domain of the From address (RFC 7489), as certdesk acts on it. */
export type DmarcResult = 'pass' | 'fail' | 'none' | 'temperror' | 'permerror';

/** What sender authentication found for one inbound e-mail. */
export interface SenderAuthentication {
  /**
   * `relay`: read from the trusted relay's Authentication-Results header; `smtp`: verified by
   * certdesk with the SMTP client's address (SPF, DKIM, DMARC); `dkim`: verified by certdesk from
   * the message alone (DKIM and DMARC: no client address over HTTP); `off`: not checked.
   */
  method: 'relay' | 'smtp' | 'dkim' | 'off';
  dmarc: DmarcResult;
  /** The From domain DMARC was evaluated for, if known. */
  fromDomain: string | null;
  /** One line for agents and the audit log, e.g. "dkim=pass spf=none dmarc=fail (p=REJECT)". */
  summary: string;
}

/** Whether certdesk may post an e-mail as its sender; otherwise why not, for the agents' note. */
export type SenderTrust = { trusted: true } | { trusted: false; reason: string };

/**
 * The policy: an e-mail is posted as its sender only when the From domain passes DMARC, or
 * publishes no DMARC policy at all (`none`: there is nothing to verify against, as before sender
 * authentication existed). A failure, a broken policy, a lookup that kept failing, or a message
 * that did not come through the trusted relay makes it an internal note instead. So does a verdict
 * about another domain than that of `sender`, the address certdesk would post as (a message with
 * two From fields: the checker may have judged one, the parser kept the other).
 */
export function senderTrust(auth: SenderAuthentication, sender?: string): SenderTrust {
  if (auth.method === 'off') return { trusted: true };
  const senderDomain = sender?.slice(sender.lastIndexOf('@') + 1).toLowerCase();
  const judged = auth.fromDomain?.toLowerCase();
  // mailauth names the organizational domain (mail.a.example → a.example): a subdomain of it is the same sender.
  if (judged && senderDomain && senderDomain !== judged && !senderDomain.endsWith(`.${judged}`)) {
    return {
      trusted: false,
      reason: `sender authentication judged ${auth.fromDomain}, not ${senderDomain}, the domain of the address it came from (${auth.summary})`,
    };
  }
  if (auth.dmarc === 'pass' || auth.dmarc === 'none') return { trusted: true };
  const domain = auth.fromDomain ?? 'the sender’s domain';
  const why: Record<Exclude<DmarcResult, 'pass' | 'none'>, string> = {
    fail: `it failed DMARC for ${domain}: it may not come from that address`,
    permerror: `DMARC could not be evaluated for ${domain}, so the sender could not be verified`,
    temperror: `the DNS records of ${domain} could not be looked up, so the sender could not be verified`,
  };
  return { trusted: false, reason: `${why[auth.dmarc]} (${auth.summary})` };
}

const DMARC_RESULTS: readonly string[] = ['pass', 'fail', 'none', 'temperror', 'permerror'];

/**
 * Sender authentication as the trusted relay recorded it: the topmost Authentication-Results
 * header of the message, when its authserv-id is the relay's. Any other (a missing header, or one
 * written by someone else, which anyone can add) counts as a DMARC failure: the message did not
 * come through the relay that checks. RFC 8601 §5: the relay removes headers carrying its own id
 * from the mail it receives, so a forged one cannot sit above its own.
 */
export function authenticationFromRelay(fields: readonly HeaderField[], relay: string): SenderAuthentication {
  const top = fields.find((f) => f.name === 'authentication-results');
  const parsed = top ? parseAuthenticationResults(top.value) : null;
  if (!parsed || parsed.authservId !== relay.toLowerCase()) {
    return {
      method: 'relay',
      dmarc: 'fail',
      fromDomain: null,
      summary: parsed
        ? `the Authentication-Results header is from ${parsed.authservId}, not the trusted relay ${relay}`
        : `no Authentication-Results header from the trusted relay ${relay}`,
    };
  }
  const first = (method: string) => parsed.results.find((r) => r.method === method);
  const dmarc = first('dmarc');
  // A relay that records no DMARC result verified nothing certdesk can rely on: fail closed.
  const result: DmarcResult = dmarc && DMARC_RESULTS.includes(dmarc.result) ? (dmarc.result as DmarcResult) : 'permerror';
  return {
    method: 'relay',
    dmarc: result,
    fromDomain: dmarc?.props['header.from']?.toLowerCase() ?? null,
    summary: ['dkim', 'spf', 'dmarc'].map((m) => `${m}=${first(m)?.result ?? 'none'}`).join(' ') + ` by ${parsed.authservId}`,
  };
}
