/**
 * Hybrid logical clock (Kulkarni et al.): physical milliseconds from the wall clock, plus a
 * logical counter that keeps every stamp above every stamp this node has seen. A node whose
 * wall clock jumps back (a clock fault) keeps issuing increasing stamps, and a write made
 * after observing another write always orders after it, so LWW never drops a causally later
 * write. Concurrent writes are still ordered arbitrarily — that is LWW's contract.
 */
import type { Timestamp } from './ops.js';

export class HybridClock {
  private l = 0;
  private c = 0;

  constructor(private readonly wall: () => number = Date.now) {}

  /** A stamp for a local event, greater than any issued or observed before. */
  now(): Timestamp {
    const pt = this.wall();
    if (pt > this.l) {
      this.l = pt;
      this.c = 0;
    } else {
      this.c++;
    }
    return [this.l, this.c];
  }

  /** Take a remote stamp into account so later local stamps order after it. */
  observe(ts: Timestamp): void {
    const [l, c] = ts;
    if (l > this.l || (l === this.l && c > this.c)) {
      this.l = l;
      this.c = c;
    }
  }
}
