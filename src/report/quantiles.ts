/**
 * Latency quantiles, overall and per time bucket. The same nearest-rank rule as the perf
 * checker, so the report's figures agree with results.json.
 */
import { latencyMs, type Span } from './spans.js';
import type { Buckets } from './buckets.js';

/** Nearest-rank quantile of an ascending array; 0 for an empty one. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export interface QuantileRow {
  /** Bucket start, seconds since the test began. */
  t: number;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Quantiles of the latency of ops completing in each bucket (ok and fail: an `info` op's
 * latency is mostly the client timeout, which says nothing about the system; the perf
 * checker leaves it out for the same reason). Empty buckets are omitted, so a line through
 * the rows shows a gap where nothing completed.
 */
export function quantilesOverTime(spans: readonly Span[], b: Buckets): QuantileRow[] {
  const per: number[][] = Array.from({ length: b.count }, () => []);
  for (const s of spans) {
    const lat = latencyMs(s);
    if (lat === undefined || s.type === 'info' || s.end === undefined) continue;
    per[b.indexOf(s.end)]!.push(lat);
  }
  const rows: QuantileRow[] = [];
  per.forEach((lats, i) => {
    if (lats.length === 0) return;
    lats.sort((x, y) => x - y);
    rows.push({ t: b.startSeconds(i), count: lats.length, p50: quantile(lats, 0.5), p95: quantile(lats, 0.95), p99: quantile(lats, 0.99), max: lats[lats.length - 1]! });
  });
  return rows;
}
