/**
 * The call and return entries of a partition's ops in time order, as a doubly linked list
 * in typed arrays. Lifting an op unlinks its two entries but leaves their own links
 * intact, so unlifting in reverse order relinks them exactly (dancing links).
 */
import type { CompletedOp } from '../../core/op.js';

export const NONE = -1;
/** Entry ids: op i has call entry 2i and return entry 2i+1. */
export const callEntry = (op: number): number => op << 1;
export const isCall = (entry: number): boolean => (entry & 1) === 0;
export const opOf = (entry: number): number => entry >> 1;

/** When an op's return entry sits: its completion, or +infinity when the outcome is unknown. */
export function returnTime(op: CompletedOp): number {
  // Unknown outcome: it may take effect arbitrarily late, so it never forces anything.
  return op.type === 'ok' && op.complete ? op.complete.index : Infinity;
}

export class EntryList {
  private readonly nextOf: Int32Array;
  private readonly prevOf: Int32Array;
  private readonly head: number;

  constructor(ops: readonly CompletedOp[]) {
    const n = ops.length;
    this.head = 2 * n;
    this.nextOf = new Int32Array(2 * n + 1).fill(NONE);
    this.prevOf = new Int32Array(2 * n + 1).fill(NONE);
    const events: { time: number; entry: number }[] = [];
    ops.forEach((op, i) => {
      events.push({ time: op.invoke.index, entry: callEntry(i) });
      events.push({ time: returnTime(op), entry: callEntry(i) + 1 });
    });
    // Times tie only between infinite returns (order irrelevant); on a tie calls go first,
    // the reading that allows the most overlap.
    events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : (a.entry & 1) - (b.entry & 1)));
    let prev = this.head;
    for (const { entry } of events) {
      this.nextOf[prev] = entry;
      this.prevOf[entry] = prev;
      prev = entry;
    }
  }

  first(): number {
    return this.nextOf[this.head]!;
  }

  next(entry: number): number {
    return this.nextOf[entry]!;
  }

  lift(op: number): void {
    this.unlink(callEntry(op));
    this.unlink(callEntry(op) + 1);
  }

  unlift(op: number): void {
    this.relink(callEntry(op) + 1);
    this.relink(callEntry(op));
  }

  private unlink(e: number): void {
    const p = this.prevOf[e]!;
    const nx = this.nextOf[e]!;
    this.nextOf[p] = nx;
    if (nx !== NONE) this.prevOf[nx] = p;
  }

  private relink(e: number): void {
    const p = this.prevOf[e]!;
    const nx = this.nextOf[e]!;
    this.nextOf[p] = e;
    if (nx !== NONE) this.prevOf[nx] = e;
  }
}
