import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsRegistry, MAX_SERIES_PER_METRIC } from '../../../src/lib/metrics.js';

/** Every `metrics.counter('name'…)`, `.gauge(…)` and `.histogram(…)` written in src/. */
function declaredMetrics(): Array<{ kind: string; name: string; file: string }> {
  const found: Array<{ kind: string; name: string; file: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/\.(counter|gauge|histogram)\(\s*'([a-z_:][a-z0-9_:]*)'/g))
          found.push({ kind: m[1]!, name: m[2]!, file: path });
      }
    }
  };
  walk('src');
  return found;
}

describe('metric names follow the Prometheus conventions', () => {
  const declared = declaredMetrics();
  it('finds the metrics certdesk declares', () => {
    expect(declared.map((d) => d.name)).toEqual(
      expect.arrayContaining(['certdesk_job_duration_seconds', 'certdesk_webhook_deliveries_total', 'zendesk_request_duration_seconds']),
    );
  });
  it.each(declared.filter((d) => d.kind === 'counter'))('counter $name ($file) ends in _total', ({ name }) => {
    expect(name).toMatch(/_total$/);
  });
  it.each(declared.filter((d) => d.kind !== 'counter'))('$kind $name ($file) is not named like a counter', ({ name }) => {
    expect(name).not.toMatch(/_total$/);
  });
  it.each(declared.filter((d) => d.kind === 'histogram'))('histogram $name ($file) names its unit', ({ name }) => {
    expect(name).toMatch(/_(seconds|bytes)$/);
  });
});

describe('MetricsRegistry on prom-client', () => {
  it('renders counters, gauges and histograms in the text format with HELP and TYPE', async () => {
    const metrics = new MetricsRegistry({ processMetrics: false });
    metrics.counter('certdesk_things_total', 'Things.').inc({ outcome: 'ok' });
    metrics.counter('certdesk_things_total', 'Things.').inc({ outcome: 'ok' }, 2);
    metrics.gauge('certdesk_level', 'Level.').set(undefined, 7);
    metrics.histogram('certdesk_wait_seconds', 'Waits.', [0.1, 1]).observe({ kind: 'a' }, 0.5);
    const text = await metrics.render();
    expect(text).toContain('# HELP certdesk_things_total Things.\n# TYPE certdesk_things_total counter\ncertdesk_things_total{outcome="ok"} 3');
    expect(text).toContain('# TYPE certdesk_level gauge\ncertdesk_level 7');
    expect(text).toContain('certdesk_wait_seconds_bucket{le="0.1",kind="a"} 0');
    expect(text).toContain('certdesk_wait_seconds_bucket{le="1",kind="a"} 1');
    expect(text).toContain('certdesk_wait_seconds_bucket{le="+Inf",kind="a"} 1');
    expect(text).toContain('certdesk_wait_seconds_sum{kind="a"} 0.5');
    expect(text).toContain('certdesk_wait_seconds_count{kind="a"} 1');
    expect(await metrics.counter('certdesk_things_total', '').get({ outcome: 'ok' })).toBe(3);
    expect(await metrics.counter('certdesk_things_total', '').get({ outcome: 'failed' })).toBe(0);
    expect(await metrics.histogram('certdesk_wait_seconds', '').count({ kind: 'a' })).toBe(1);
  });

  it('shows a metric declared but never counted by its HELP and TYPE alone', async () => {
    const metrics = new MetricsRegistry({ processMetrics: false });
    metrics.counter('certdesk_nothing_yet_total', 'Nothing yet.');
    expect(await metrics.render()).toBe('# HELP certdesk_nothing_yet_total Nothing yet.\n# TYPE certdesk_nothing_yet_total counter\n');
  });

  it('reads a collected gauge at each scrape, dropping series the collector no longer returns', async () => {
    const metrics = new MetricsRegistry({ processMetrics: false });
    let rows: Array<[Record<string, string>, number]> = [
      [{ state: 'queued' }, 2],
      [{ state: 'dead' }, 1],
    ];
    metrics.gauge('certdesk_jobs', 'Jobs by state.').collect(() => rows);
    expect(await metrics.render()).toMatch(/^certdesk_jobs\{state="dead"\} 1$/m);
    rows = [[{ state: 'queued' }, 5]];
    const text = await metrics.render();
    expect(text).toMatch(/^certdesk_jobs\{state="queued"\} 5$/m);
    expect(text).not.toContain('state="dead"');
  });

  it('gives a collected gauge a series per value its collector enumerates, past the cap (a registry of thousands of sites)', async () => {
    const metrics = new MetricsRegistry({ processMetrics: false });
    const sites = Array.from({ length: MAX_SERIES_PER_METRIC * 5 }, (_, i) => `my.site-${i}.example`);
    metrics.gauge('certdesk_certificate_ready', 'Ready by site.').collect(() => sites.map((site) => [{ site }, 1]));
    const text = await metrics.render();
    expect(text.match(/^certdesk_certificate_ready\{site="my\.site-\d+\.example"\} 1$/gm)).toHaveLength(sites.length);
    expect(text).not.toContain('site="other"');
  });

  it('keeps scraping the other metrics when a collector throws, and shows no stale value for it', async () => {
    const metrics = new MetricsRegistry({ processMetrics: false });
    let open = true;
    metrics.gauge('certdesk_jobs', 'Jobs by state.').collect(() => {
      if (!open) throw new Error('The database connection is not open');
      return [[{ state: 'queued' }, 4]];
    });
    metrics.counter('certdesk_webhook_deliveries_total', 'Deliveries.').inc({ outcome: 'accepted' });
    expect(await metrics.render()).toMatch(/^certdesk_jobs\{state="queued"\} 4$/m);
    open = false;
    const text = await metrics.render();
    expect(text).toMatch(/^certdesk_webhook_deliveries_total\{outcome="accepted"\} 1$/m);
    expect(text).toContain('# TYPE certdesk_jobs gauge');
    expect(text).not.toMatch(/^certdesk_jobs\{/m);
  });

  it('bounds label values and the number of series of one metric', async () => {
    const metrics = new MetricsRegistry({ processMetrics: false });
    const c = metrics.counter('certdesk_codes_total', 'Codes.');
    for (let i = 0; i < MAX_SERIES_PER_METRIC + 3; i++) c.inc({ code: `code-${i}` });
    metrics.histogram('zendesk_request_duration_seconds', 'Durations.').observe({ endpoint: '/attachment/abc123/private.key' }, 0.2);
    const text = await metrics.render();
    expect(text).toMatch(/^certdesk_codes_total\{code="other"\} 3$/m);
    expect(text).toContain('endpoint="/attachment/:x/:x"');
    expect(text).not.toContain('private.key');
  });

  it("fits a call that names other labels to the metric's first ones instead of throwing", async () => {
    const metrics = new MetricsRegistry({ processMetrics: false });
    const c = metrics.counter('certdesk_things_total', 'Things.');
    c.inc({ outcome: 'ok' });
    expect(() => c.inc({ outcome: 'failed', site: 'my.example.com' })).not.toThrow();
    expect(() => c.inc()).not.toThrow();
    const text = await metrics.render();
    expect(text).toMatch(/^certdesk_things_total\{outcome="failed"\} 1$/m);
    expect(text).toMatch(/^certdesk_things_total\{outcome=""\} 1$/m);
    expect(text).not.toContain('site=');
  });

  it('adds the process metrics, event-loop delay included, when asked', async () => {
    const text = await new MetricsRegistry().render();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_lag_max_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });
});
