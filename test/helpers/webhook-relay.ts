/**
 * Takes control of webhook delivery: the sandbox delivers to this relay (subscribe it with
 * `zd.subscribe(relay.url)`), which answers 200 at once and forwards every delivery `copies` times,
 * byte for byte with its signature headers, to targets picked at random. Deliveries are gathered in
 * windows of `windowMs`; each window's copies are shuffled before they go out, so duplicates and
 * reorderings cross process boundaries the way a retrying Zendesk behind a load balancer makes them.
 * A copy refused with a 5xx/429 or a connection error is sent again (as Zendesk retries), to the
 * same target; what still fails is kept in `failures`.
 */
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './sandbox.js';

export interface WebhookRelayOptions {
  /** Where copies may go (e.g. the `…/webhooks/zendesk` URL of every web process). */
  targets: readonly string[];
  copies?: number;
  windowMs?: number;
  /** In [0, 1): which target, and the shuffle. Seed it to replay a run. */
  random: () => number;
}

export interface WebhookRelay {
  /** The endpoint to subscribe the sandbox to. */
  url: string;
  stats: { received: number; forwarded: number; retries: number };
  /** Copies that never got a 2xx, with the last status or error. */
  failures: string[];
  /** The deliveries received, for tests that react to events (e.g. a ticket's comment). */
  received: ReceivedWebhook[];
  /** Resolves once everything received so far has been forwarded and answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

/** The relay's choices replay from a seed (re-exported for the tests that build its `random`). */
export { seededRandom } from '../../src/lib/seeded-random.js';

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export async function startWebhookRelay(options: WebhookRelayOptions): Promise<WebhookRelay> {
  const copies = options.copies ?? 2;
  const windowMs = options.windowMs ?? 100;
  const stats = { received: 0, forwarded: 0, retries: 0 };
  const failures: string[] = [];
  let pending: ReceivedWebhook[] = [];
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const receiver: WebhookReceiver = await startWebhookReceiver((hook) => {
    stats.received++;
    pending.push(hook);
    return 200;
  });

  async function forward(hook: ReceivedWebhook, target: string): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(hook.headers)) if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
    let last = '';
    for (let attempt = 0; attempt < 30; attempt++) {
      if (attempt > 0) {
        stats.retries++;
        await new Promise((r) => setTimeout(r, 200));
      }
      try {
        const res = await fetch(target, { method: 'POST', headers, body: hook.rawBody });
        await res.arrayBuffer();
        if (res.ok) {
          stats.forwarded++;
          return;
        }
        last = `${res.status}`;
        if (res.status < 500 && res.status !== 429) break;
      } catch (error) {
        last = (error as Error).message;
      }
    }
    failures.push(`${hook.body?.type ?? 'event'} for ticket ${hook.body?.detail?.id ?? '?'} to ${target}: ${last}`);
  }

  const timer = setInterval(() => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const sends = shuffle(
      batch.flatMap((hook) => Array.from({ length: copies }, () => hook)),
      options.random,
    );
    for (const hook of sends) {
      const target = options.targets[Math.floor(options.random() * options.targets.length)]!;
      const p = forward(hook, target).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }, windowMs);

  return {
    url: receiver.url,
    stats,
    failures,
    received: receiver.received,
    async idle() {
      while (!closed && (pending.length > 0 || inFlight.size > 0)) await new Promise((r) => setTimeout(r, windowMs));
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
      await receiver.close();
    },
  };
}
