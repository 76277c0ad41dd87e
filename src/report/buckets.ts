/**
 * Equal time buckets over a run, with a "nice" width (1, 2 or 5 × 10^k seconds) so axis
 * readers can do the arithmetic, and few enough of them that a plot stays small however
 * long the history is.
 */

export interface Buckets {
  /** Bucket width in seconds. */
  width: number;
  count: number;
  /** The bucket holding time `ns` (clamped into range). */
  indexOf(ns: number): number;
  startSeconds(i: number): number;
}

/** The smallest nice width that cuts `[0, endNs]` into at most `maxBuckets` buckets. */
export function niceWidth(durationSeconds: number, maxBuckets: number): number {
  const raw = Math.max(durationSeconds, 1e-3) / Math.max(1, maxBuckets);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

export function makeBuckets(endNs: number, maxBuckets = 120): Buckets {
  const seconds = Math.max(endNs, 0) / 1e9;
  const width = niceWidth(seconds, maxBuckets);
  // The tolerance keeps an end exactly on a boundary from opening an empty extra bucket.
  const count = Math.max(1, Math.ceil(seconds / width - 1e-9));
  return {
    width,
    count,
    indexOf: (ns) => Math.min(count - 1, Math.max(0, Math.floor(ns / 1e9 / width))),
    startSeconds: (i) => i * width,
  };
}
