/**
 * The whole run on one lane per worker: each op a bar from invocation to completion when
 * there are few enough to draw one by one, else one cell per lane and time bucket split by
 * the share of each outcome in it. Lanes are worker threads (process mod concurrency), not
 * processes: after every `info` a worker continues as a new process, so process lanes
 * would grow without bound on a faulty run while threads stay as many as the workers.
 */
import type { Buckets } from './buckets.js';
import type { Span } from './spans.js';

/** Above this many client ops the timeline aggregates into cells (bars cost ~150 B each). */
export const MAX_TIMELINE_BARS = 2_000;

export function laneOf(process: Span['process'], concurrency: number | undefined): number {
  if (typeof process !== 'number') return 0;
  return concurrency && concurrency > 0 ? process % concurrency : process;
}

interface Cell {
  lane: number;
  bucket: number;
  ok: number;
  fail: number;
  info: number;
}

/**
 * Cells touched by each op, over the op's whole lifetime: an op hanging for 3 s shows as
 * a 3 s stretch, which is what a stuck worker looks like. Never-completed ops run to
 * `historyEnd`.
 */
export function timelineCells(spans: readonly Span[], b: Buckets, concurrency: number | undefined, historyEnd: number): Cell[] {
  const cells = new Map<number, Cell>();
  for (const s of spans) {
    const lane = laneOf(s.process, concurrency);
    const first = b.indexOf(s.start);
    const last = b.indexOf(s.end ?? historyEnd);
    for (let i = first; i <= last; i++) {
      const k = lane * b.count + i;
      let c = cells.get(k);
      if (!c) cells.set(k, (c = { lane, bucket: i, ok: 0, fail: 0, info: 0 }));
      c[s.type]++;
    }
  }
  return [...cells.values()];
}

/** Lane count: the workers, or the highest lane seen if the concurrency is unknown. */
export function laneCount(spans: readonly Span[], concurrency: number | undefined): number {
  let max = -1;
  for (const s of spans) max = Math.max(max, laneOf(s.process, concurrency));
  return Math.max(max + 1, concurrency ?? 0, 1);
}
