import type { InboundSource } from './store.js';
import type { SenderAuthentication } from '../core/mail/sender-authentication.js';

/**
 * Authenticates the sender of one stored inbound e-mail (its raw bytes, and how it came in): DKIM,
 * SPF and DMARC, or a trusted relay's verdict. Never throws for a message it cannot check: that is
 * a `permerror` verdict. The adapter is adapters/mail/authenticate-sender.ts (mailauth).
 */
export type SenderAuthenticator = (raw: Buffer, source: InboundSource) => Promise<SenderAuthentication>;
