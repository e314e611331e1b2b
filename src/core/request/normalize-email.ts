import { domainToASCII } from 'node:url';
import { collapseSpaces } from './collapse-spaces.js';
import type { FieldCheck } from './types.js';

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const LDH_LABEL = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/;

/**
 * The e-mail address, found in what was written ("Jane Doe <jane@example.com>", "mailto:…"),
 * with its domain in lower case and, if internationalised, as A-labels.
 */
export function normalizeEmail(raw: string): FieldCheck {
  const written = collapseSpaces(raw);
  const found = /(?:mailto:)?([^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+)/i.exec(written);
  const candidate = found?.[1]?.replace(/^mailto:/i, '').replace(/\.+$/, '');
  if (candidate) {
    const at = candidate.lastIndexOf('@');
    const local = candidate.slice(0, at);
    const domain = domainToASCII(candidate.slice(at + 1).toLowerCase());
    const labels = domain.split('.');
    if (
      local.length <= 64 &&
      LOCAL_PART.test(local) &&
      labels.length >= 2 &&
      labels.every((label) => LDH_LABEL.test(label)) &&
      /^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels[labels.length - 1]!) &&
      domain.length <= 253
    ) {
      return { ok: true, value: `${local}@${domain}` };
    }
  }
  return {
    ok: false,
    value: written,
    message: `"${written}" does not look like an e-mail address. Please check it and write it in full, for example it@example.com.`,
  };
}
