import type { CommentText } from './types.js';

/** What the customer is told about private keys they sent (never the key itself). */
export interface KeyNotice {
  /** Where the keys were, as the customer knows them: "your message", file names. */
  places: string[];
  /** A key is the key of a certificate sent along with it: that certificate must be reissued. */
  ofSentCertificate: boolean;
}

const list = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * The paragraph about a private key the customer sent, for the answer certdesk gives anyway (the
 * needs-info comment, the CSR…), so the customer is told once, in the same answer as the rest.
 */
export function keyExposedParagraph(notice: KeyNotice): string {
  const where = notice.places.length ? ` (in ${list(notice.places.map((p) => `“${p}”`))})` : '';
  const lines = [
    `Important: what you sent contained a private key${where}. We do not need it and did not keep it: we removed it from this ticket. ` +
      'A private key that has been sent by e-mail or in a ticket must be treated as exposed — do not use it again.',
  ];
  if (notice.ofSentCertificate) {
    lines.push(
      'It is the key of the certificate you sent with it, so that certificate must be reissued with a new key (and the old one revoked) wherever it is in use.',
    );
  }
  return lines.join(' ');
}

/** The finding for a key the bundle check did not see itself (in a file past its limits). */
export function keyFoundMessage(place: string): string {
  return (
    `${place} contains a private key. We do not need it and did not keep it: it is removed from the ticket. ` +
    'A private key sent by e-mail or in a ticket must be treated as exposed; if it belongs to a certificate in use anywhere, that certificate must be reissued with a new key.'
  );
}

/** The finding when a key the customer sent belongs to a certificate they sent with it (not the new one). */
export const KEY_OF_SENT_CERTIFICATE =
  'A private key you sent is the key of a certificate you sent with it: that certificate must be reissued with a new key (and the old one revoked) wherever it is in use.';

/** `body` with the key paragraph added at the end, or `body` as it is when there is nothing to say. */
export function withKeyNotice(body: string, notice: KeyNotice | undefined): string {
  return notice ? `${body}\n\n${keyExposedParagraph(notice)}` : body;
}

/** The public comment when certdesk has nothing else to say (e.g. the renewal is already installed). */
export function keyExposedComment(notice: KeyNotice): CommentText {
  return { body: ['Hello,', '', keyExposedParagraph(notice), '', 'There is nothing else you need to do in this ticket.'].join('\n') };
}

/**
 * The internal note when certdesk cannot be sure a comment holds no key (a file it could not open)
 * or could not redact one (Zendesk refused): an agent has to look and redact by hand.
 */
export function keyCheckNote(input: { commentId: number; unsure: string[]; refused?: string; places: string[] }): CommentText {
  const lines = ['certdesk: please check a customer comment for a private key.', ''];
  if (input.refused) {
    lines.push(
      `Comment ${input.commentId} holds a private key (in ${list(input.places)}), but Zendesk refused to redact it (${input.refused}). ` +
        'Please redact it by hand (Redact in the comment menu, or delete the attachment) as soon as possible.',
    );
  }
  if (input.unsure.length) {
    lines.push(
      `${input.refused ? 'Also, certdesk' : `certdesk`} could not look inside everything comment ${input.commentId} carries, so it cannot be sure there is no private key in:`,
      ...input.unsure.map((u) => `- ${u}`),
      'Please open these and redact any private key you find. The renewal goes on meanwhile.',
    );
  }
  return { body: lines.join('\n') };
}
