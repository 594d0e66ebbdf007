import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * prom-client's default metrics (CPU, memory, heap, handles, GC, event-loop lag as
 * nodejs_eventloop_lag_*), in one registry per process. They describe the process, not an
 * application instance, and their collectors cannot be stopped: each collectDefaultMetrics()
 * starts an event-loop delay monitor and a GC observer for good, so one per application would
 * pile up in a process that starts many (the tests). Every instance's scrape appends this one.
 */
export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
