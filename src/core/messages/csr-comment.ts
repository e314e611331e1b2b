import { lifetimeGuidance } from './purchase-guidance.js';
import type { CommentText } from './types.js';

/** What the CSR comment needs; `now` decides which lifetime rules are stated. */
export interface CsrCommentInput {
  site: string;
  csrPem: string;
  /** Lower-case hex SHA-256 of the CSR's SubjectPublicKeyInfo. */
  spkiSha256: string;
  /** True when the customer gave an Organizational Unit, which the CSR leaves out. */
  organizationalUnitGiven: boolean;
  now: Date;
  /** The site's registry `issuance` is `offer` (or `acme`): the customer may reply "automatic" instead (issue 20). */
  automaticOffer?: boolean;
}

/**
 * The public comment that sends the customer their CSR (state `awaiting_certificate`): the CSR
 * inline (the caller also attaches it as `<site>.csr`), its public-key fingerprint, and purchase
 * guidance that is true on `now` (DESIGN §1 "Purchase guidance").
 */
export function csrComment(input: CsrCommentInput): CommentText {
  const { site, csrPem, spkiSha256, organizationalUnitGiven, now } = input;
  const file = `${site}.csr`;
  const lines = [
    'Hello,',
    '',
    ...(input.automaticOffer ? automaticOffer(site) : []),
    `Here is the certificate signing request (CSR) for ${site}. It is also attached to this ticket as ${file}.`,
    '',
    '```',
    csrPem.trim(),
    '```',
    '',
    `Public-key fingerprint (SHA-256): ${spkiSha256}`,
    '',
    'What to do next:',
    '',
    `1. Buy a TLS/SSL certificate from a certificate authority (CA) or reseller of your choice. A standard (domain-validated) certificate is enough. It must be for exactly ${site}. Some CAs also add the "www." form of the name automatically; that is fine and needs nothing from you.`,
    `2. When the CA asks for the CSR, upload ${file} or paste the text above, from "-----BEGIN CERTIFICATE REQUEST-----" to "-----END CERTIFICATE REQUEST-----" inclusive. If the CA offers to create a key or a CSR for you, do not use that: the certificate must be issued for this CSR.`,
    '3. If you are asked for the server type, choose "Apache" or "Nginx"; if you are asked for a format, choose PEM.',
    '4. If you are offered a choice of signature algorithm, choose SHA-2 (SHA-256).',
    "5. Pay the CA up front when you order. The CA may check your organization's details before issuing, which can take a few days.",
    '6. When the CA sends the certificate, reply to this ticket and attach what it sent you: the certificate files, the ZIP file as it came, or the certificate text pasted into your reply. Include the intermediate certificates if they came separately. We check it automatically and tell you straight away if anything is wrong.',
    '',
    lifetimeGuidance(now).join(' '),
    '',
    'Never send us a private key. We created the private key for this CSR ourselves; we keep it, and it never leaves our systems.',
  ];
  if (organizationalUnitGiven) {
    lines.push(
      '',
      'You gave us an Organizational Unit. We have left it out of the CSR: the CA/Browser Forum Baseline Requirements have not allowed an Organizational Unit in publicly-trusted certificates since 1 September 2022. There is nothing you need to do about it.',
    );
  }
  lines.push('', `Public-key check for technical readers: openssl req -in ${file} -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256`);
  return { body: lines.join('\n') };
}

/**
 * The ACME offer (issue 20): one word from the customer and certdesk gets a free domain-validated
 * certificate for the site itself; the CSR below stays valid for those who need their own CA or OV.
 */
function automaticOffer(site: string): string[] {
  return [
    `Would you rather not buy a certificate? Reply to this ticket with the single word automatic and we will get a free domain-validated certificate for ${site} ourselves and install it; nothing else is needed from you. Keep to the steps below instead if you need an organization-validated (OV) certificate or a certificate authority of your own choice.`,
    '',
  ];
}
