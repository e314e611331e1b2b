import client from 'prom-client';

let registry: client.Registry | undefined;

/**
 * prom-client's default metrics (`process_*` CPU, memory and file descriptors; `nodejs_*` heap,
 * GC, active handles and the event-loop delay from `perf_hooks.monitorEventLoopDelay`, as
 * `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`, reset at each scrape).
 *
 * They describe the process, not one service, so they are collected once per process, on the
 * first scrape (never at import: importing certdesk's library starts nothing), however many
 * MetricsRegistry instances a test process makes.
 */
export function processRegistry(): client.Registry {
  if (!registry) {
    registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  }
  return registry;
}
