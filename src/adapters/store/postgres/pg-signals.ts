import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { StoreSignal } from '../../../ports/store.js';
import type { Logger } from '../../../lib/logger.js';

const SIGNALS: readonly StoreSignal[] = ['jobs', 'pairs'];
/** The NOTIFY channel of a signal (`certdesk_jobs`, `certdesk_pairs`). */
export const channelOf = (signal: StoreSignal) => `certdesk_${signal}`;

/**
 * The store's one LISTEN connection (outside the pool: it stays open and idle), started by the
 * first `on`. A dropped connection is opened again (1 s, doubling to 30 s); NOTIFYs sent meanwhile
 * are lost, so after a reconnect `jobs` is announced once (workers claim what they missed: a
 * spurious wake-up costs one empty claim); `pairs` listeners get the payload '' (reload all).
 */
export class PgSignals {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private started = false;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private closed = false;
  private retryMs = 1000;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  on(signal: StoreSignal, listener: (payload: string) => void): () => void {
    this.emitter.on(signal, listener);
    void this.listening();
    return () => this.emitter.off(signal, listener);
  }

  /** Resolves once LISTEN is in place (tests wait on it before they notify from elsewhere). */
  listening(): Promise<void> {
    if (!this.started) {
      this.started = true;
      void this.connect(false);
    }
    return this.ready;
  }

  private async connect(reconnect: boolean): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (message) => {
      const signal = SIGNALS.find((s) => channelOf(s) === message.channel);
      if (signal) this.emitter.emit(signal, message.payload ?? '');
    });
    client.on('error', () => this.dropped(client));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      for (const signal of SIGNALS) await client.query(`LISTEN ${channelOf(signal)}`);
    } catch {
      this.dropped(client);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = 1000;
    this.markReady();
    if (reconnect) {
      this.logger.info('LISTEN connection to PostgreSQL back: workers claim, TLS fronts reload');
      for (const signal of SIGNALS) this.emitter.emit(signal, '');
    }
  }

  private dropped(client: pg.Client): void {
    if (this.client === client) this.client = null;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed || this.timer !== null) return;
    this.logger.warn({ retryInMs: this.retryMs }, 'LISTEN connection to PostgreSQL lost: signals from other processes are missed until it is back');
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) void this.connect(true);
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(30_000, this.retryMs * 2);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.emitter.removeAllListeners();
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
