/**
 * A FIFO queue, initially empty: `enqueue` x, and `dequeue` returning the oldest element,
 * or null when the queue is empty. Elements compare as JSON.
 */
import { toJson } from '../../../core/exact-json.js';
import { ok, rejected, show, unknownOp, type Model } from '../model.js';

const key = (v: unknown): string => toJson(v) ?? 'null';

export const queue: Model<readonly string[]> = {
  name: 'queue',
  init: () => [],
  step(state, f, input, output) {
    switch (f) {
      case 'enqueue':
        return ok([...state, key(input)]);
      case 'dequeue': {
        // Unknown output: it took whatever was at the head (or found the queue empty).
        if (output === undefined) return ok(state.slice(1));
        if (output === null) return state.length === 0 ? ok(state) : rejected;
        return state.length > 0 && state[0] === key(output) ? ok(state.slice(1)) : rejected;
      }
      default:
        throw unknownOp(this.name, f);
    }
  },
  equal: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]),
  hash: (s) => s.join('\u0000'),
  describeOp: (op) =>
    op.f === 'dequeue' ? `dequeue ${op.type === 'ok' ? show(op.result) : '?'}` : `${op.f} ${show(op.value)}${op.type === 'ok' ? '' : ' (indeterminate)'}`,
  describeState: (s) => `[${s.join(' ')}]`,
};
