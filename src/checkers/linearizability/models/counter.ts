/**
 * A counter, initially 0: `add` n (n may be negative), `read` returns the value. As in
 * Jepsen's counter workload, but checked for linearizability rather than bounds.
 */
import { describeBasic, ok, rejected, show, unknownOp, type Model } from '../model.js';

const isRead = (f: string): boolean => f === 'read';

function amount(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`counter model: add value must be a number, got ${show(v)}`);
  return v;
}

export const counter: Model<number> = {
  name: 'counter',
  init: () => 0,
  step(state, f, input, output) {
    if (f === 'read') return output === undefined || output === state ? ok(state) : rejected;
    if (f === 'add') return ok(state + amount(input));
    throw unknownOp(this.name, f);
  },
  equal: (a, b) => a === b,
  hash: (s) => s,
  readOnly: isRead,
  // Only adds of one sign pending: the counter moves one way, so a read behind it is dead.
  reachability(ops) {
    const deltas = ops.map((op) => (op.f === 'add' && typeof op.input === 'number' ? op.input : 0));
    const reads = ops.map((op) => (op.f === 'read' && typeof op.output === 'number' ? op.output : undefined));
    let lo = 0;
    let hi = 0;
    return {
      start(state) {
        lo = hi = state;
      },
      add(op) {
        const d = deltas[op]!;
        if (d < 0) lo += d;
        else hi += d;
      },
      check(read) {
        const want = reads[read];
        return want === undefined || (want >= lo && want <= hi);
      },
    };
  },
  describeOp: (op) => describeBasic(op, isRead),
  describeState: show,
};
