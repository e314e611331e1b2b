/**
 * A small Prometheus text-format registry (exposition format 0.0.4): counters, gauges and
 * histograms with labels. Enough for certdesk's `/metrics`, without a dependency.
 */

type Labels = Record<string, string | number>;

/** Distinct label sets one metric keeps; further ones are counted together under `other`. */
export const MAX_SERIES_PER_METRIC = 200;
const MAX_LABEL_LENGTH = 64;
/** A path segment kept as it is: a word (`tickets`, `comments`), a version (`v2`) or a placeholder (`:id`). */
const SAFE_SEGMENT = /^(?::[a-z]+|[A-Za-z_-]{1,32}|v\d{1,2})$/;

/**
 * Label values must stay few and say nothing about a customer: a value that is a path keeps its
 * fixed words and has every other segment (ids, tokens, file names such as `private.key` in an
 * attachment URL) replaced by `:x`; any value is cut at 64 characters. Prometheus keeps every
 * distinct value forever, and `/metrics` may be read by people who must not see file names.
 */
export function boundLabelValue(value: string | number): string {
  let v = String(value);
  if (v.includes('/')) v = v.replace(/[?#].*$/, '').split('/').map((seg) => (seg === '' || SAFE_SEGMENT.test(seg) ? seg : ':x')).join('/');
  return v.length > MAX_LABEL_LENGTH ? v.slice(0, MAX_LABEL_LENGTH) : v;
}

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${boundLabelValue(labels[k]!).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

/** The series key for `labels`, or the `other` series once a metric holds MAX_SERIES_PER_METRIC. */
function seriesKey(labels: Labels | undefined, existing: Map<string, unknown>): string {
  const key = labelKey(labels);
  if (existing.has(key) || existing.size < MAX_SERIES_PER_METRIC || !labels) return key;
  return labelKey(Object.fromEntries(Object.keys(labels).map((k) => [k, 'other'])));
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels?: Labels, by = 1): void {
    const k = seriesKey(labels, this.values);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels?: Labels): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  private collector: (() => Array<[Labels | undefined, number]>) | undefined;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  set(labels: Labels | undefined, value: number): void {
    this.values.set(seriesKey(labels, this.values), value);
  }
  get(labels?: Labels): number | undefined {
    return this.values.get(labelKey(labels));
  }
  /** Values computed when scraped (e.g. jobs by state, read from the store). */
  collect(fn: () => Array<[Labels | undefined, number]>): void {
    this.collector = fn;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    if (this.collector) {
      try {
        for (const [labels, v] of this.collector()) lines.push(`${this.name}${labelKey(labels)} ${v}`);
      } catch {
        // A failing collector (store closed) must not break the scrape of every other metric.
      }
    }
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  ) {}
  observe(labels: Labels | undefined, value: number): void {
    const k = seriesKey(labels, this.series);
    let s = this.series.get(k);
    if (!s) {
      s = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) s.buckets[i]!++;
    s.sum += value;
    s.count++;
  }
  count(labels?: Labels): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const inner = k ? k.slice(1, -1) + ',' : '';
      this.bounds.forEach((b, i) => lines.push(`${this.name}_bucket{${inner}le="${b}"} ${s.buckets[i]}`));
      lines.push(`${this.name}_bucket{${inner}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k} ${s.sum}`);
      lines.push(`${this.name}_count${k} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** Holds every metric of one process; `render()` is the body of `GET /metrics`. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.register(name, () => new Counter(name, help)) as Counter;
  }
  gauge(name: string, help: string): Gauge {
    return this.register(name, () => new Gauge(name, help)) as Gauge;
  }
  histogram(name: string, help: string, bounds?: number[]): Histogram {
    return this.register(name, () => new Histogram(name, help, bounds)) as Histogram;
  }
  render(): string {
    return [...this.metrics.values()].map((m) => m.render()).join('\n') + '\n';
  }
  private register(name: string, make: () => Metric): Metric {
    let m = this.metrics.get(name);
    if (!m) {
      m = make();
      this.metrics.set(name, m);
    }
    return m;
  }
}
