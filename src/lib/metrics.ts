/**
 * certdesk's metrics facade on prom-client: the small interface the rest of the code calls
 * (`metrics.counter(name, help).inc(labels)`) kept as it was, with prom-client doing the exposition
 * format, the histograms and the process metrics. What certdesk adds is its own rule for labels:
 * values are bounded (no ids, tokens or file names) and a metric keeps at most
 * MAX_SERIES_PER_METRIC series.
 *
 * Why a facade and not prom-client everywhere: prom-client wants every label name declared when a
 * metric is made, while certdesk's call sites name a metric where they use it. Each facade metric is
 * registered at once (its HELP and TYPE are always scraped) and makes its prom-client metric on its
 * first value, with that value's label names.
 */
import client from 'prom-client';
import { processRegistry } from './process-metrics.js';

type Labels = Record<string, string | number>;
type BoundLabels = Record<string, string>;

/** Distinct label sets one metric keeps; further ones are counted together under `other`. */
export const MAX_SERIES_PER_METRIC = 200;
const MAX_LABEL_LENGTH = 64;
/** A path segment kept as it is: a word (`tickets`, `comments`), a version (`v2`) or a placeholder (`:id`). */
const SAFE_SEGMENT = /^(?::[a-z]+|[A-Za-z_-]{1,32}|v\d{1,2})$/;
/** The histogram buckets certdesk used before prom-client (seconds, from 5 ms to 30 s). */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Label values must stay few and say nothing about a customer: a value that is a path keeps its
 * fixed words and has every other segment (ids, tokens, file names such as `private.key` in an
 * attachment URL) replaced by `:x`; any value is cut at 64 characters. Prometheus keeps every
 * distinct value forever, and `/metrics` may be read by people who must not see file names.
 */
export function boundLabelValue(value: string | number): string {
  let v = String(value);
  if (v.includes('/'))
    v = v
      .replace(/[?#].*$/, '')
      .split('/')
      .map((seg) => (seg === '' || SAFE_SEGMENT.test(seg) ? seg : ':x'))
      .join('/');
  return v.length > MAX_LABEL_LENGTH ? v.slice(0, MAX_LABEL_LENGTH) : v;
}

function boundLabels(labels: Labels | undefined): BoundLabels {
  return Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [k, boundLabelValue(v)]));
}

function labelKey(labels: BoundLabels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function sameLabels(a: Partial<Record<string, string | number>>, b: BoundLabels): boolean {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => String(a[k]) === b[k]);
}

/**
 * The bounded labels of one observation, or the `other` series once the metric holds
 * MAX_SERIES_PER_METRIC distinct label sets.
 */
class SeriesCap {
  private readonly seen = new Set<string>();
  admit(labels: Labels | undefined): BoundLabels {
    const bound = boundLabels(labels);
    const key = labelKey(bound);
    if (this.seen.has(key) || Object.keys(bound).length === 0) return bound;
    if (this.seen.size < MAX_SERIES_PER_METRIC) {
      this.seen.add(key);
      return bound;
    }
    return Object.fromEntries(Object.keys(bound).map((k) => [k, 'other']));
  }
  clear(): void {
    this.seen.clear();
  }
}

type PromMetric = client.Counter | client.Gauge | client.Histogram;
/** One metric as prom-client's Registry formats it. */
interface Snapshot {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: Array<{ labels: Partial<Record<string, string | number>>; value: number; metricName?: string }>;
}

/**
 * What prom-client's Registry needs of a metric: its `name`, `help`, `type` and an async
 * `getForPromString()` (which the Registry prefers to `get()`, left free for the facade's own
 * `get(labels)`). The prom-client metric behind it is made on the first value.
 */
abstract class FacadeMetric<M extends PromMetric> {
  protected inner: M | undefined;
  protected readonly cap = new SeriesCap();
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  protected abstract make(labelNames: string[]): M;
  private labelNames: string[] = [];
  /**
   * The prom-client metric, made with the label names of the first value, and `labels` fitted to
   * them: a later call that names other labels (a mistake in a call site) fills the missing ones
   * with "" and drops the others, rather than throw in the middle of a job as prom-client would.
   */
  protected of(labels: BoundLabels): { metric: M; labels: BoundLabels } {
    if (!this.inner) {
      this.labelNames = Object.keys(labels);
      this.inner = this.make(this.labelNames);
    }
    const keys = Object.keys(labels);
    const fits = keys.length === this.labelNames.length && keys.every((k) => this.labelNames.includes(k));
    return { metric: this.inner, labels: fits ? labels : Object.fromEntries(this.labelNames.map((k) => [k, labels[k] ?? ''])) };
  }
  /** prom-client's metric contract, called by the registry on each scrape. */
  getForPromString(): Promise<Snapshot> {
    return this.snapshot();
  }
  protected async snapshot(): Promise<Snapshot> {
    if (this.inner) return (await this.inner.get()) as unknown as Snapshot;
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values: [] };
  }
  protected async valueOf(labels: Labels | undefined, metricName?: string): Promise<number | undefined> {
    const bound = boundLabels(labels);
    const { values } = await this.snapshot();
    return values.find((v) => (metricName === undefined || v.metricName === metricName) && sameLabels(v.labels, bound))?.value;
  }
}

export class Counter extends FacadeMetric<client.Counter> {
  readonly type = 'counter';
  protected make(labelNames: string[]): client.Counter {
    return new client.Counter({ name: this.name, help: this.help, labelNames, registers: [] });
  }
  inc(labels?: Labels, by = 1): void {
    const bound = this.cap.admit(labels);
    const { metric, labels: fitted } = this.of(bound);
    metric.inc(fitted, by);
  }
  /** The current value of one series (0 when it was never counted). */
  async get(labels?: Labels): Promise<number> {
    return (await this.valueOf(labels)) ?? 0;
  }
}

export class Gauge extends FacadeMetric<client.Gauge> {
  readonly type = 'gauge';
  private collector: (() => Array<[Labels | undefined, number]> | Promise<Array<[Labels | undefined, number]>>) | undefined;
  protected make(labelNames: string[]): client.Gauge {
    return new client.Gauge({ name: this.name, help: this.help, labelNames, registers: [] });
  }
  set(labels: Labels | undefined, value: number): void {
    this.setBound(this.cap.admit(labels), value);
  }
  private setBound(bound: BoundLabels, value: number): void {
    const { metric, labels: fitted } = this.of(bound);
    metric.set(fitted, value);
  }
  /**
   * Values computed when scraped (e.g. jobs by state, read from the store); they replace the last
   * scrape's. The series cap does not apply to them: their label values come from what the collector
   * enumerates (states, registry sites), not from input, so their number is bounded where they are
   * made — a registry of thousands of sites gets a series per site. Values are still bounded in form.
   * The collector may be async (the store port's reads are).
   */
  collect(fn: () => Array<[Labels | undefined, number]> | Promise<Array<[Labels | undefined, number]>>): void {
    this.collector = fn;
  }
  /** The current value of one series (undefined when it was never set). */
  async get(labels?: Labels): Promise<number | undefined> {
    return this.valueOf(labels);
  }
  protected override async snapshot(): Promise<Snapshot> {
    if (this.collector) {
      let values: Array<[Labels | undefined, number]> = [];
      try {
        values = await this.collector();
      } catch {
        // A failing collector (store closed) must not break the scrape of every other metric, and
        // shows no value rather than the last scrape's, which would no longer be true.
      }
      this.inner?.reset();
      for (const [labels, v] of values) this.setBound(boundLabels(labels), v);
    }
    return super.snapshot();
  }
}

export class Histogram extends FacadeMetric<client.Histogram> {
  readonly type = 'histogram';
  constructor(
    name: string,
    help: string,
    readonly bounds: number[] = DEFAULT_BUCKETS,
  ) {
    super(name, help);
  }
  protected make(labelNames: string[]): client.Histogram {
    return new client.Histogram({ name: this.name, help: this.help, labelNames, buckets: this.bounds, registers: [] });
  }
  observe(labels: Labels | undefined, value: number): void {
    const bound = this.cap.admit(labels);
    const { metric, labels: fitted } = this.of(bound);
    metric.observe(fitted, value);
  }
  /** How many values one series observed. */
  async count(labels?: Labels): Promise<number> {
    return (await this.valueOf(labels, `${this.name}_count`)) ?? 0;
  }
}

/**
 * Holds every metric of one process; `render()` is the body of `GET /metrics`, in Prometheus text
 * format 0.0.4. With `processMetrics` (the default) it also renders prom-client's default metrics
 * (CPU, memory, heap, GC, handles, event-loop delay), collected once per process.
 */
export class MetricsRegistry {
  readonly contentType = client.Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly registry = new client.Registry();
  private readonly metrics = new Map<string, FacadeMetric<PromMetric>>();
  private readonly processMetrics: boolean;

  constructor(options: { processMetrics?: boolean } = {}) {
    this.processMetrics = options.processMetrics ?? true;
  }

  counter(name: string, help: string): Counter {
    return this.register(name, () => new Counter(name, help)) as Counter;
  }
  gauge(name: string, help: string): Gauge {
    return this.register(name, () => new Gauge(name, help)) as Gauge;
  }
  histogram(name: string, help: string, bounds?: number[]): Histogram {
    return this.register(name, () => new Histogram(name, help, bounds)) as Histogram;
  }
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    return this.processMetrics ? own + '\n' + (await processRegistry().metrics()) : own;
  }
  private register(name: string, make: () => FacadeMetric<PromMetric>): FacadeMetric<PromMetric> {
    let m = this.metrics.get(name);
    if (!m) {
      m = make();
      this.metrics.set(name, m);
      this.registry.registerMetric(m as unknown as client.Metric);
    }
    return m;
  }
}
