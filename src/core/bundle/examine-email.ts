// mailparser is large (≈ 30 MB resident): loaded on the first e-mail, not at start-up.
import { htmlToText } from '../request/html-to-text.js';
import { childSource, type Blob, type ExtractionContext } from './extraction-context.js';
import { examineText } from './examine-text.js';

/**
 * Examines an e-mail (.eml, or a message/rfc822 part): PEM in the text and HTML bodies, and every
 * attachment (forwarded messages included, through ctx.examine). mailparser does the MIME work.
 */
export async function examineEmail(ctx: ExtractionContext, blob: Blob): Promise<void> {
  let mail;
  try {
    mail = await (await import('mailparser')).simpleParser(Buffer.from(blob.bytes.buffer, blob.bytes.byteOffset, blob.bytes.byteLength), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
    });
  } catch {
    // Not parseable as MIME after all: whatever PEM it holds is still plain text.
    await examineText(ctx, blob, Buffer.from(blob.bytes).toString('utf8'));
    return;
  }
  const body = [mail.text ?? '', typeof mail.html === 'string' ? htmlToText(mail.html) : ''].join('\n');
  if (body.trim() === '' && mail.attachments.length === 0) {
    // A MIME structure mailparser could not follow (a broken boundary): read the raw message as text.
    await examineText(ctx, blob, Buffer.from(blob.bytes).toString('utf8'));
    return;
  }
  await examineText(ctx, { ...blob, source: childSource(blob.source, 'message text') }, body);
  for (const [i, attachment] of mail.attachments.entries()) {
    if (ctx.entries >= ctx.limits.maxEntries) return;
    ctx.entries++;
    const name = attachment.filename ?? (attachment.contentType === 'message/rfc822' ? 'forwarded message' : `attachment ${i + 1}`);
    await ctx.examine({
      name,
      bytes: attachment.content,
      source: childSource(blob.source, name),
      depth: blob.depth + 1,
      contentType: attachment.contentType,
    });
  }
}
