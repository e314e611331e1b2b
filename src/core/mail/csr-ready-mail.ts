import { lifetimeGuidance } from '../messages/purchase-guidance.js';
import { renderHtml, renderText, type MailBlock } from './render-html.js';
import { withTicketTag } from './ticket-reference.js';
import type { ComposedMail, CsrReadyNotification, TicketLinks } from './notification.js';

const CSR_BLOCK = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]+?-----END (NEW )?CERTIFICATE REQUEST-----/;

/**
 * "Your CSR is ready": the ticket, what to do next, and the CSR itself (public, so it may travel
 * by e-mail). The private key is never part of it.
 */
export function csrReadyMail(n: CsrReadyNotification, context: { at: Date; links: TicketLinks }): ComposedMail {
  const csr = CSR_BLOCK.exec(n.csrPem)?.[0];
  if (!csr) throw new TypeError('csrPem must hold a PEM CERTIFICATE REQUEST block');
  const link = context.links.customer(n.ticketId);
  const file = `${n.site}.csr`;
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: 'Hello,' },
    {
      kind: 'paragraph',
      text: `The certificate signing request (CSR) for ${n.site} is ready. It is on ticket #${n.ticketId}${link ? ':' : ', attached as ' + file + '.'}`,
      ...(link ? { link: { href: link } } : {}),
    },
    { kind: 'paragraph', text: 'What to do next:' },
    {
      kind: 'list',
      items: [
        `Buy a TLS/SSL certificate for exactly ${n.site} from a certificate authority (CA) or reseller. A standard (domain-validated) certificate is enough.`,
        `When the CA asks for the CSR, upload ${file} from the ticket or paste the CSR below, from "-----BEGIN CERTIFICATE REQUEST-----" to "-----END CERTIFICATE REQUEST-----" inclusive. Do not let the CA create a key or a CSR for you.`,
        'If you are asked for the server type, choose "Apache" or "Nginx"; if you are asked for a format, choose PEM. Choose SHA-2 (SHA-256) if offered a signature algorithm.',
        `When the CA sends the certificate, reply to this e-mail keeping [#${n.ticketId}] in the subject, and attach the files it sent you (or the ZIP file as it came). We check them automatically and tell you at once if anything is wrong.`,
      ],
    },
    { kind: 'paragraph', text: lifetimeGuidance(context.at).join(' ') },
    { kind: 'paragraph', text: 'The CSR (it contains only public information):' },
    { kind: 'pre', text: csr },
  ];
  if (n.spkiSha256) blocks.push({ kind: 'facts', rows: [['Public-key fingerprint (SHA-256)', n.spkiSha256]] });
  blocks.push({
    kind: 'paragraph',
    text: 'We created the private key for this CSR ourselves and keep it: it is never sent by e-mail or anywhere else. Never send a private key to us or to anyone.',
  });
  const subject = withTicketTag(`Certificate signing request ready for ${n.site}`, n.ticketId);
  return { to: n.to, subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
