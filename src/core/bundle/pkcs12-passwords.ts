/**
 * Candidate PKCS#12 passwords in a customer's reply: "password: x", "Passphrase is x", "pw: x",
 * "the password for the pfx is “x y”", in quotes or not. Only a value after an explicit separator
 * (":", "=", "is", "was") counts, so "password-protected file" gives nothing. An unquoted value
 * ending in punctuation is offered with and without it ("secret." → "secret.", "secret"). Bounded:
 * at most 8 candidates of at most 128 characters. The result must never be logged or stored.
 */
export function findPkcs12Passwords(text: string): string[] {
  const found: string[] = [];
  const add = (p: string) => {
    if (p.length > 0 && p.length <= MAX_LENGTH && !found.includes(p) && found.length < MAX_CANDIDATES) found.push(p);
  };
  for (const m of text.slice(0, MAX_TEXT).matchAll(PATTERN)) {
    const quoted = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (quoted !== undefined) {
      add(quoted);
      continue;
    }
    const bare = m[5]!;
    add(bare);
    add(bare.replace(/[.,;:!?)\]]+$/, ''));
  }
  return found;
}

const MAX_CANDIDATES = 8;
const MAX_LENGTH = 128;
const MAX_TEXT = 64 * 1024;

// keyword, an optional short "for the pfx" phrase, a separator, then a quoted or bare value.
const PATTERN =
  /\b(?:password|passphrase|pass phrase|passwort|kennwort|pwd|pw)\b(?:\s+(?:for|of|to|on)\s+[^\n:=]{1,40}?)?\s*(?::|=|\bis\b|\bwas\b)\s*(?::\s*)?(?:"([^"\n]+)"|'([^'\n]+)'|“([^”\n]+)”|`([^`\n]+)`|([^\s"'“`]+))/giu;
