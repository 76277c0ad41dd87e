/**
 * A key-value store of strings with get/put/append, every key initially "" (the model of
 * Porcupine's kv test data). Ops carry `[key, v]` like the keyed register (get: invoke
 * `[key, null]`, ok `[key, value]`), so it is the keyed lift of one append-able string.
 */
import { describeBasic, ok, rejected, show, unknownOp, type Model } from '../model.js';
import { keyedRegister } from './keyed-register.js';

const isGet = (f: string): boolean => f === 'get';

function text(v: unknown, f: string): string {
  if (typeof v !== 'string') throw new Error(`kv model: ${f} value must be a string, got ${show(v)}`);
  return v;
}

/** One string cell: `get` returns it, `put` replaces it, `append` concatenates. */
export const appendCell: Model<string> = {
  name: 'append-cell',
  init: () => '',
  step(state, f, input, output) {
    switch (f) {
      case 'get':
        return output === undefined || output === state ? ok(state) : rejected;
      case 'put':
        return ok(text(input, f));
      case 'append':
        return ok(state + text(input, f));
      default:
        throw unknownOp(this.name, f);
    }
  },
  equal: (a, b) => a === b,
  hash: (s) => s,
  readOnly: isGet,
  describeOp: (op) => describeBasic(op, isGet),
  describeState: show,
};

export const kv: Model<string> = keyedRegister(appendCell, 'kv');
