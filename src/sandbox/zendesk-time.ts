/** Zendesk's REST timestamps: ISO 8601 in UTC without milliseconds (`2025-01-08T10:12:07Z`). */
export function zendeskTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The next `updated_at` of a record last stamped `previous`: now, or one second after `previous`
 * when now would not be later. Safe updates compare `updated_at`, so two updates within the same
 * second must still get different stamps.
 */
export function nextStamp(previous: string | null, now: Date): string {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const prevSeconds = previous ? Math.floor(Date.parse(previous) / 1000) : -Infinity;
  return zendeskTimestamp(new Date(Math.max(nowSeconds, prevSeconds + 1) * 1000));
}

let lastNanos = 0n;

/**
 * An event `time` as Zendesk writes it: RFC 3339 with nine fractional digits. The sub-millisecond
 * digits come from a monotonic counter so events of one action keep their order.
 */
export function eventTime(now: Date): string {
  let nanos = BigInt(now.getTime()) * 1_000_000n;
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${zendeskTimestamp(new Date(Number(seconds) * 1000)).slice(0, -1)}.${fraction}Z`;
}
