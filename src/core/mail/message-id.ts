/**
 * Message-IDs (RFC 5322 §3.6.4) as certdesk stores and compares them: without angle brackets,
 * lower case, so that `<ABC@Example.COM>` in a reply's References finds `abc@example.com`.
 */

/** Longest Message-ID kept (a header line is at most 998 characters). */
const MAX_LENGTH = 998;

/** `<id>` or `id` → `id` in lower case; null for an empty or unusable value. */
export function normalizeMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const inner = /^<([^<>]*)>/.exec(trimmed)?.[1] ?? trimmed;
  const id = inner.replace(/\s+/g, '').toLowerCase();
  if (id === '' || id.length > MAX_LENGTH || /[\x00-\x20\x7f<>]/.test(id)) return null;
  return id;
}

/**
 * Every Message-ID named by In-Reply-To / References values (`<a@x> <b@y>`, folded or not, as a
 * string or mailparser's array), normalised, newest first (References lists the oldest first).
 */
export function messageIdList(...values: (string | string[] | null | undefined)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
    const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => normalizeMessageId(m[1]));
    for (const id of ids.reverse()) {
      if (id && !seen.has(id)) {
        seen.add(id);
        out.push(id);
      }
    }
  }
  return out;
}

/** A new Message-ID for certdesk's own mail: `<certdesk.<token>@<domain>>`. */
export function makeMessageId(token: string, domain: string): string {
  return `<certdesk.${token.replace(/[^A-Za-z0-9.-]/g, '')}@${domain}>`;
}

/** The domain of an address such as `certdesk@example.com` or `Certdesk <certdesk@example.com>`. */
export function domainOfAddress(address: string): string | null {
  const bare = /<([^<>]+)>\s*$/.exec(address)?.[1] ?? address;
  const at = bare.lastIndexOf('@');
  const domain =
    at >= 0
      ? bare
          .slice(at + 1)
          .trim()
          .toLowerCase()
      : '';
  return /^[a-z0-9.-]+$/.test(domain) && domain.includes('.') ? domain : null;
}
