import type { HeaderValue, ParsedMail } from 'mailparser';
import { NonRetryableError } from '../../lib/errors.js';
import { normalizeMessageId } from './message-id.js';
import type { MailPart } from './select-attachments.js';
import type { AutomaticMessageHeaders } from './automatic-message.js';

/** An inbound e-mail reduced to what certdesk acts on. */
export interface InboundMail {
  messageId: string | null;
  from: { address: string; name: string } | null;
  subject: string | null;
  /** The text/plain content (absent when the message had none). */
  text?: string;
  /** The text/html content. */
  html?: string;
  inReplyTo?: string;
  references?: string | string[];
  automatic: AutomaticMessageHeaders;
  attachments: MailPart[];
}

/** mailparser could not read the message (e.g. a part's header block over its 1 MB limit). */
export class UnreadableMailError extends NonRetryableError {
  override readonly name = 'UnreadableMailError';
}

/**
 * Parses a raw message with mailparser: charsets (ISO-8859-1, Windows-1252, ISO-2022-JP…) and
 * transfer encodings decoded, every attachment buffered. A forwarded `message/rfc822` part is
 * kept whole as an attachment (`ignoreEmbedded`), so that it can be attached as a `.eml` file.
 * HTML is not turned into text here: a message without a text part keeps its HTML.
 * Throws UnreadableMailError when the MIME structure cannot be read. Pure (bytes in, value out:
 * mailparser does no I/O), hence in the core; async only because mailparser streams.
 */
export async function parseInboundMail(raw: Buffer): Promise<InboundMail> {
  let mail: ParsedMail;
  try {
    mail = await (await import('mailparser')).simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      keepCidLinks: true,
      ignoreEmbedded: true,
      checksumAlgo: false,
    });
  } catch (error) {
    throw new UnreadableMailError(`the e-mail could not be parsed as MIME (${(error as Error).message})`, { cause: error });
  }
  const sender = mail.from?.value
    .find((a) => a.address)
    ?.address?.trim()
    .toLowerCase();
  const from = sender ? { address: sender, name: mail.from?.value.find((a) => a.address)?.name?.trim() ?? '' } : null;
  const header = (name: string) => headerText(mail.headers.get(name));
  return {
    messageId: normalizeMessageId(mail.messageId),
    from,
    subject: mail.subject?.trim() || null,
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references ? { references: mail.references } : {}),
    automatic: {
      from: sender ?? '',
      ...optional('autoSubmitted', header('auto-submitted')),
      ...optional('precedence', header('precedence')),
      ...optional('contentType', header('content-type')),
      autoReplyMarker: mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond'),
    },
    attachments: mail.attachments.map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      contentType: a.contentType,
      content: a.content,
      ...(a.contentDisposition ? { disposition: a.contentDisposition.toLowerCase() } : {}),
      ...(a.related ? { related: true } : {}),
    })),
  };
}

function headerText(value: HeaderValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return headerText(value[0] as HeaderValue | undefined);
  if (value instanceof Date) return value.toISOString();
  if ('value' in value && typeof value.value === 'string') return value.value;
  return undefined;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
