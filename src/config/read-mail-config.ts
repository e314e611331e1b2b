import type { EnvReader } from './env-reader.js';
import type { Config } from './config.js';

/**
 * Mail: outgoing (SMTP_URL, which alone may carry a password, and its sender MAIL_FROM), the
 * operators' address, and incoming (INBOUND_EMAIL_SECRET, the SMTP listener, sender authentication).
 */
export function readMailConfig(env: EnvReader, sandbox: boolean): Config['mail'] {
  const smtpUrl = env.url('SMTP_URL', ['smtp:', 'smtps:'], { credentials: true });
  const from = env.get('MAIL_FROM') ?? null;
  if (smtpUrl !== null && from === null) env.problem('SMTP_URL is set but MAIL_FROM is not: outgoing mail needs a sender address.');
  env.email('MAIL_FROM', { displayName: true });
  const opsEmail = env.email('OPS_EMAIL');
  // The sandbox's demo domains have no DNS: sender authentication is on by default only for real accounts.
  const senderAuth = env.oneOf('INBOUND_SENDER_AUTH', ['dmarc', 'off'] as const, sandbox ? 'off' : 'dmarc');
  const trustedRelay = env.get('INBOUND_TRUSTED_RELAY')?.toLowerCase() ?? null;
  if (trustedRelay !== null && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(trustedRelay)) {
    env.problem(
      `INBOUND_TRUSTED_RELAY must be the host name the relay writes in its Authentication-Results header, e.g. mx.example.com (got "${trustedRelay}").`,
    );
  }
  if (trustedRelay !== null && senderAuth === 'off')
    env.problem("INBOUND_TRUSTED_RELAY is set but INBOUND_SENDER_AUTH is off: nothing would read the relay's results.");
  return {
    smtpUrl,
    from,
    opsEmail,
    inboundSecret: env.get('INBOUND_EMAIL_SECRET') ?? null,
    smtpListenPort: env.port('SMTP_LISTEN_PORT', null),
    senderAuth,
    trustedRelay,
  };
}
