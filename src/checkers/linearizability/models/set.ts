/**
 * A set, initially empty: `add` x, `remove` x, and `read` returning every element (in any
 * order). Elements compare as JSON. The state is the sorted list of the elements' JSON.
 */
import { toJson } from '../../../core/exact-json.js';
import { describeBasic, ok, rejected, show, unknownOp, type Model } from '../model.js';

const isRead = (f: string): boolean => f === 'read';
const key = (v: unknown): string => toJson(v) ?? 'undefined';

/** A read's output as the sorted JSON of its elements, or undefined if it is no list. */
function asState(output: unknown): string[] | undefined {
  if (!Array.isArray(output)) return undefined;
  return [...new Set(output.map(key))].sort();
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export const set: Model<readonly string[]> = {
  name: 'set',
  init: () => [],
  step(state, f, input, output) {
    switch (f) {
      case 'read': {
        if (output === undefined) return ok(state);
        const seen = asState(output);
        return seen !== undefined && same(seen, state) ? ok(state) : rejected;
      }
      case 'add': {
        const k = key(input);
        return ok(state.includes(k) ? state : [...state, k].sort());
      }
      case 'remove':
        return ok(state.filter((x) => x !== key(input)));
      default:
        throw unknownOp(this.name, f);
    }
  },
  equal: same,
  hash: (s) => s.join('\u0000'),
  readOnly: isRead,
  describeOp: (op) => describeBasic(op, isRead),
  describeState: (s) => `#{${s.join(' ')}}`,
};
