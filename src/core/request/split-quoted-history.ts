/**
 * One line of a message. `quoted` lines are history: a `>` quote, or anything after a reply or
 * forward header, a signature delimiter or Zendesk's "reply above this line" marker. `boundary`
 * marks the header lines themselves, which are never a label or a value.
 */
export interface MessageLine {
  text: string;
  quoted: boolean;
  boundary: boolean;
}

const ON_WROTE = /^\s*(?:On|Am|Le|El|Op|Il|Den|På)\s.*(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto|skrev)\s*:\s*$/i;
const ON_START = /^\s*(?:On|Am|Le|El|Op|Il|Den|På)\s/i;
const WROTE_END = /(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto|skrev)\s*:\s*$/i;
const SEPARATOR =
  /^\s*(?:-{2,}\s*(?:Original Message|Forwarded message|Ursprüngliche Nachricht|Message d'origine|Weitergeleitete Nachricht)\s*-{2,}|Begin forwarded message:|##-\s*Please type your reply above this line\s*-##|Sent from my \w+.*|Get Outlook for \w+.*|--\s*)$/i;
const FROM = /^\s*\*?(?:From|Von|De|Van|Da)\s*:\*?\s*\S/i;
const SENT = /^\s*\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Verzonden|Inviato)\s*:\*?\s*\S/i;
const UNDERSCORES = /^\s*_{10,}\s*$/;

/**
 * Splits a plain-text message into lines and marks its quoted history. A quoted line's `text` has
 * its `>` prefixes removed. Lines after the first history header are all quoted.
 */
export function splitQuotedHistory(text: string): MessageLine[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = historyStart(lines);
  return lines.map((line, i) => {
    const quote = /^\s*(?:>\s?)+/.exec(line);
    const body = quote ? line.slice(quote[0].length) : line;
    if (i === start) return { text: body, quoted: true, boundary: true };
    const inHistory = start !== -1 && i > start;
    return { text: body, quoted: inHistory || quote !== null, boundary: inHistory && isHeader(lines, i) };
  });
}

function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*>/.test(lines[i]!)) continue;
    if (isHeader(lines, i)) return i;
  }
  return -1;
}

function isHeader(lines: string[], i: number): boolean {
  const line = lines[i]!;
  if (ON_WROTE.test(line) || SEPARATOR.test(line)) return true;
  // "On Mon, 3 Mar 2025 at 10:12, Jane Doe <jane@example.com>" is often wrapped before "wrote:".
  if (ON_START.test(line) && line.length < 200 && !/:\s*$/.test(line)) {
    const next = lines[i + 1] ?? '';
    if (WROTE_END.test(next) && next.length < 120) return true;
  }
  if (FROM.test(line)) return lines.slice(i + 1, i + 5).some((l) => SENT.test(l));
  if (UNDERSCORES.test(line)) return lines.slice(i + 1, i + 3).some((l) => FROM.test(l));
  return false;
}
