import { describe, expect, it } from 'vitest';
import { decideProactive, type ProactiveInput, type ReminderKind } from '../../../src/core/proactive/decide-proactive.js';
import { parseBusinessHours, type BusinessHours } from '../../../src/core/proactive/business-hours.js';
import { leadTimeDays } from '../../../src/core/proactive/lead-time.js';
import type { RenewalState } from '../../../src/core/workflow/renewal-states.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const issued = Date.parse('2027-01-04T10:00:00Z');

function cert(lifetimeDays: number) {
  return { sha256: 'ab'.repeat(32), notBefore: new Date(issued).toISOString(), notAfter: new Date(issued + lifetimeDays * DAY).toISOString() };
}

function hours(raw: string): BusinessHours {
  const parsed = parseBusinessHours(raw);
  if (!('hours' in parsed)) throw new Error(parsed.problem);
  return parsed.hours;
}

/** Runs the decision every hour from issuance to a day after expiry, acting on what it says. */
function simulate(lifetimeDays: number, options: { businessHours?: BusinessHours; optOut?: boolean; siteLead?: number; customerNeverAnswers?: boolean } = {}) {
  const c = cert(lifetimeDays);
  let renewal: { ticketId: number; state: RenewalState; openedAt: number } | null = null;
  const sent: ReminderKind[] = [];
  const events: { at: number; what: string; priority?: string }[] = [];
  for (let t = issued; t <= Date.parse(c.notAfter) + DAY; t += HOUR) {
    const input: ProactiveInput = {
      site: 'my.example.com',
      optOut: options.optOut ?? false,
      leadTimeDays: { site: options.siteLead ?? null, global: null },
      certificate: c,
      renewal,
      sent,
      now: new Date(t),
      businessHours: options.businessHours ?? null,
    };
    for (const a of decideProactive(input).actions) {
      if (a.kind === 'open_ticket') {
        renewal = { ticketId: 7, state: 'awaiting_certificate', openedAt: t };
        events.push({ at: t, what: 'open' });
      } else if (a.kind === 'remind') {
        sent.push(a.reminder);
        events.push({ at: t, what: a.reminder, priority: a.priority });
      } else {
        sent.push('escalation');
        events.push({ at: t, what: 'escalation' });
      }
    }
  }
  return { events, expiresAt: Date.parse(c.notAfter) };
}

describe("proactive renewal decisions over a certificate's life", () => {
  it.each([
    [200, 200 / 3],
    [100, 100 / 3],
    [47, 30],
    [398, 398 / 3],
  ])('a %i-day certificate gets exactly one ticket, %f days before expiry, then the 14- and 7-day reminders and one escalation', (lifetime, lead) => {
    const { events, expiresAt } = simulate(lifetime);
    expect(events.map((e) => e.what)).toEqual(['open', 'reminder_14', 'reminder_7', 'escalation']);
    const [open, r14, r7, esc] = events;
    // The first hourly look at or after the moment (the simulation steps one hour).
    expect(open!.at).toBeGreaterThanOrEqual(expiresAt - lead * DAY);
    expect(open!.at).toBeLessThan(expiresAt - lead * DAY + HOUR);
    expect(r14!.at).toBe(expiresAt - 14 * DAY);
    expect(r14!.priority).toBe('normal');
    expect(r7!.at).toBe(expiresAt - 7 * DAY);
    expect(r7!.priority).toBe('high');
    expect(esc!.at).toBe(expiresAt - 3 * DAY);
  });

  it('an opted-out site gets no ticket, no reminder and no escalation', () => {
    expect(simulate(100, { optOut: true }).events).toEqual([]);
  });

  it('a site whose lead time is shorter than 14 days gets no "14 days" reminder for a ticket opened after that moment', () => {
    const { events, expiresAt } = simulate(100, { siteLead: 10 });
    expect(events.map((e) => e.what)).toEqual(['open', 'reminder_7', 'escalation']);
    expect(events[0]!.at).toBe(expiresAt - 10 * DAY);
  });

  it('tickets and reminders wait for business hours; the escalation does not', () => {
    const bh = hours('Mon-Fri 09:00-17:00 Europe/London');
    const { events } = simulate(200, { businessHours: bh });
    expect(events.map((e) => e.what)).toEqual(['open', 'reminder_14', 'reminder_7', 'escalation']);
    for (const e of events.filter((x) => x.what !== 'escalation')) {
      const at = new Date(e.at);
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', hour: '2-digit', hourCycle: 'h23' }).formatToParts(at);
      const weekday = local.find((p) => p.type === 'weekday')!.value;
      const hour = Number(local.find((p) => p.type === 'hour')!.value);
      expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(weekday);
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(17);
    }
  });

  it('no reminders once a certificate was accepted', () => {
    const c = cert(100);
    const d = decideProactive({
      site: 'my.example.com',
      optOut: false,
      leadTimeDays: { site: null, global: null },
      certificate: c,
      renewal: { ticketId: 3, state: 'installing', openedAt: issued },
      sent: [],
      now: new Date(Date.parse(c.notAfter) - 2 * DAY),
      businessHours: null,
    });
    expect(d.actions).toEqual([]);
    expect(d.reason).toBe('CERTIFICATE_ARRIVED');
  });

  it('an open renewal is reused: no second ticket, its reminders go to it', () => {
    const c = cert(100);
    const d = decideProactive({
      site: 'my.example.com',
      optOut: false,
      leadTimeDays: { site: null, global: null },
      certificate: c,
      renewal: { ticketId: 3, state: 'needs_info', openedAt: issued },
      sent: [],
      now: new Date(Date.parse(c.notAfter) - 13 * DAY),
      businessHours: null,
    });
    expect(d.actions).toEqual([{ kind: 'remind', reminder: 'reminder_14', priority: 'normal', ticketId: 3 }]);
  });

  it('without a known certificate nothing is decided', () => {
    const d = decideProactive({
      site: 'my.example.com',
      optOut: false,
      leadTimeDays: { site: null, global: null },
      certificate: null,
      renewal: null,
      sent: [],
      now: new Date(issued),
      businessHours: null,
    });
    expect(d).toMatchObject({ actions: [], reason: 'NO_CERTIFICATE', daysLeft: null });
  });
});

describe('lead time', () => {
  it.each([
    [200, null, null, 200 / 3],
    [47, null, null, 30],
    [47, null, 20, 20],
    [200, 45, 20, 45],
  ])('a %i-day certificate with site %s and global %s opens %f days before expiry', (lifetime, site, global, expected) => {
    expect(leadTimeDays(cert(lifetime), { site, global })).toBeCloseTo(expected, 6);
  });
});
