/**
 * BUSINESS_HOURS: when certdesk may speak to customers on its own initiative (proactive tickets and
 * reminders), e.g. `Mon-Fri 09:00-17:00 Europe/London`. The hours are wall-clock time in the named
 * IANA time zone (Intl, so summer time is handled by the zone's own rules). Pure.
 */
export interface BusinessHours {
  /** Days of the week, 0 = Sunday … 6 = Saturday. */
  days: ReadonlySet<number>;
  /** Minutes after midnight: the first minute inside, and the first minute outside. */
  startMinute: number;
  endMinute: number;
  timeZone: string;
  /** As written, for messages. */
  text: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function dayIndex(name: string): number {
  return DAY_NAMES.indexOf(name.slice(0, 3).toLowerCase());
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * Reads `<days> <HH:MM>-<HH:MM> <time zone>`; days are names (`Mon`, `Tuesday`), ranges (`Mon-Fri`,
 * wrapping as `Fri-Mon`) and lists of either (`Mon-Thu,Sat`). Returns the hours or one sentence saying
 * what is wrong.
 */
export function parseBusinessHours(raw: string, variable = 'BUSINESS_HOURS'): { hours: BusinessHours } | { problem: string } {
  const example = `e.g. "Mon-Fri 09:00-17:00 Europe/London"`;
  const parts = raw.trim().split(/\s+/);
  if (parts.length !== 3) return { problem: `${variable} must be "<days> <start>-<end> <time zone>", ${example} (got "${raw}").` };
  const [daySpec, timeSpec, timeZone] = parts as [string, string, string];
  const days = new Set<number>();
  for (const item of daySpec.split(',')) {
    const [from, to, ...rest] = item.split('-');
    const a = dayIndex(from ?? '');
    const b = to === undefined ? a : dayIndex(to);
    if (rest.length > 0 || a < 0 || b < 0 || (from ?? '').length < 3 || (to !== undefined && to.length < 3)) {
      return { problem: `${variable} names days "${item}"; use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges such as Mon-Fri and lists such as Mon-Thu,Sat.` };
    }
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  const [start, end, ...more] = timeSpec.split('-');
  if (more.length > 0 || !TIME.test(start ?? '') || !TIME.test(end ?? '') || minutes(start!) >= minutes(end!)) {
    return { problem: `${variable} gives the hours "${timeSpec}"; write them as HH:MM-HH:MM on the 24-hour clock, the start before the end, ${example}.` };
  }
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
  } catch {
    return { problem: `${variable} names the time zone "${timeZone}", which is not an IANA time zone (e.g. Europe/London, America/New_York, UTC).` };
  }
  return { hours: { days, startMinute: minutes(start!), endMinute: minutes(end!), timeZone, text: raw.trim().replace(/\s+/g, ' ') } };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday (0 = Sunday) and minute of the day that `at` is in `timeZone`. */
export function wallClock(at: Date, timeZone: string): { day: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: dayIndex(parts.weekday ?? ''), minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** True when `at` falls inside the hours; no hours configured means always. */
export function isWithinBusinessHours(hours: BusinessHours | null, at: Date): boolean {
  if (!hours) return true;
  const { day, minute } = wallClock(at, hours.timeZone);
  return hours.days.has(day) && minute >= hours.startMinute && minute < hours.endMinute;
}
