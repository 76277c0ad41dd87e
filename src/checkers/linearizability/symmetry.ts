/**
 * Symmetry between identical ops. Two ops a and b are identical when they have the same
 * function, input, known output and kind (both `ok`, or both of unknown outcome). If a is
 * invoked before b and returns no later, then b "is dominated by" a: from any
 * configuration where both are pending and b can go next, so can a, and any linearization
 * that places b before a stays valid with the two swapped (a takes b's place, which is
 * earlier than a's own; b takes a's, and nothing forced to follow b returns before a
 * does). So the search never needs to linearize b while a is still pending, which cuts
 * the k! orders of k identical concurrent writes down to one.
 */
import { toJson } from '../../core/exact-json.js';
import type { CompletedOp } from '../../core/op.js';
import { returnTime } from './entry-list.js';

/** How far back to look for a dominating twin; bounded so setup stays linear-ish. */
const MAX_LOOKBACK = 64;

/**
 * For each op (by position in `ops`, in invocation order), the position of an identical
 * op that dominates it, or -1.
 */
export function dominators(ops: readonly CompletedOp[]): Int32Array {
  const dom = new Int32Array(ops.length).fill(-1);
  const groups = new Map<string, number[]>();
  ops.forEach((op, b) => {
    const known = op.type === 'ok';
    let key: string;
    try {
      key = toJson([op.f, op.value, known ? op.result : null, known]);
    } catch {
      return; // values JSON cannot show (cycles): no symmetry for this op
    }
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    const rb = returnTime(op);
    const ib = op.invoke.index;
    for (let k = group.length - 1; k >= 0 && k >= group.length - MAX_LOOKBACK; k--) {
      const a = group[k]!;
      const opA = ops[a]!;
      if (opA.invoke.index < ib && returnTime(opA) <= rb) {
        dom[b] = a;
        break;
      }
    }
    group.push(b);
  });
  return dom;
}
