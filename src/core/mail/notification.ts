/**
 * The e-mails certdesk sends, as data: the workflow says what happened, `composeNotification`
 * turns it into a message. None of them can carry a private key: CSRs and certificates are
 * public, and composition refuses any text that contains a key.
 */

/** CSR ready (state `awaiting_certificate`): to the request's contact and the site's registry contacts. */
export interface CsrReadyNotification {
  kind: 'csr_ready';
  ticketId: number;
  site: string;
  to: string[];
  /** The CSR (public): included so the customer can order straight from the e-mail. */
  csrPem: string;
  /** Lower-case hex SHA-256 of the CSR's public key, if known. */
  spkiSha256?: string;
}

/** Installed and verified live (state `installed`). */
export interface InstalledNotification {
  kind: 'installed';
  ticketId: number;
  site: string;
  to: string[];
  /** ISO 8601 expiry of the new certificate. */
  notAfter: string;
  /** Lower-case hex SHA-256 fingerprint of the new certificate. */
  sha256: string;
}

/** The installed certificate expires soon (for the expiry feature). */
export interface ExpiryReminderNotification {
  kind: 'expiry_reminder';
  /** The ticket of the last renewal, if any (replies then thread into it). */
  ticketId: number | null;
  site: string;
  to: string[];
  notAfter: string;
  /** The ticket is the renewal in progress (proactive renewals): the message asks for the certificate on it. */
  openRenewal?: boolean;
  /** `operations`: the escalation to OPS_EMAIL when a site is inside 3 days of expiry or expired. */
  audience?: 'customer' | 'operations';
}

/** Installation failed and was rolled back (state `install_failed`): to OPS_EMAIL. */
export interface InstallFailedNotification {
  kind: 'install_failed';
  ticketId: number;
  site: string;
  error: string;
}

export type Notification = CsrReadyNotification | InstalledNotification | ExpiryReminderNotification | InstallFailedNotification;
export type NotificationKind = Notification['kind'];

/** Links to a ticket: the customer's view (help center request) and the agent's. */
export interface TicketLinks {
  customer(ticketId: number): string | null;
  agent(ticketId: number): string | null;
}

/** A message ready to send (the sender, Message-ID and threading headers are added when sending). */
export interface ComposedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

const ADDRESS = /^[^\s@"<>(),;]+@[^\s@"<>(),;]+\.[^\s@"<>(),;]+$/;

/** Recipient lists merged: valid addresses only, each once (case-insensitively), in order. */
export function mailRecipients(...lists: (readonly (string | null | undefined)[] | null | undefined)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const raw of list ?? []) {
      const address = raw?.trim();
      if (!address || !ADDRESS.test(address) || seen.has(address.toLowerCase())) continue;
      seen.add(address.toLowerCase());
      out.push(address);
    }
  }
  return out;
}

/**
 * Ticket links for a Zendesk account: customers get the help center request page, agents the
 * agent workspace. In sandbox mode both are the sandbox's ticket page.
 */
export function zendeskTicketLinks(zendeskUrl: string | null, options: { sandbox?: boolean } = {}): TicketLinks {
  if (!zendeskUrl) return { customer: () => null, agent: () => null };
  const base = zendeskUrl.replace(/\/+$/, '');
  if (options.sandbox) return { customer: (id) => `${base}/tickets/${id}`, agent: (id) => `${base}/tickets/${id}` };
  return { customer: (id) => `${base}/hc/requests/${id}`, agent: (id) => `${base}/agent/tickets/${id}` };
}
