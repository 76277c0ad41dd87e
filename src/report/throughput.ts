/** Completions per second over time, by outcome: what the system managed to do when. */
import type { Buckets } from './buckets.js';
import type { Span } from './spans.js';

interface ThroughputRow {
  /** Bucket start, seconds. */
  t: number;
  /** Ops per second completing in the bucket, by outcome. */
  ok: number;
  fail: number;
  info: number;
}

/**
 * One row per bucket (empty ones included: zero throughput during a fault is the point).
 * Ops that never completed are counted nowhere: they have no completion time.
 */
export function throughputOverTime(spans: readonly Span[], b: Buckets): ThroughputRow[] {
  const rows: ThroughputRow[] = Array.from({ length: b.count }, (_, i) => ({ t: b.startSeconds(i), ok: 0, fail: 0, info: 0 }));
  for (const s of spans) {
    if (s.end === undefined) continue;
    rows[b.indexOf(s.end)]![s.type] += 1 / b.width;
  }
  return rows;
}
