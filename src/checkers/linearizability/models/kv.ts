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
  blind: (f) => f === 'put',
  // Appends only extend the cell, so a get can only succeed if it sees the current value
  // extended, or the value of a put that may still take effect first, extended.
  reachability(ops) {
    const puts = ops.map((op) => (op.f === 'put' && typeof op.input === 'string' ? op.input : undefined));
    const outs = ops.map((op) => (op.f === 'get' && typeof op.output === 'string' ? op.output : undefined));
    const starts: string[] = [];
    return {
      start(state) {
        starts.length = 0;
        starts.push(state);
      },
      add(op) {
        const put = puts[op];
        if (put !== undefined) starts.push(put);
      },
      check(read) {
        const want = outs[read];
        if (want === undefined) return true;
        for (const s of starts) if (want.startsWith(s)) return true;
        return false;
      },
    };
  },
  // A put of v that no get's value starts with, or an append of x that no get's value
  // contains: after it no get can succeed until a put replaces the value, and appends in
  // between succeed anyway, so it can be left out. (Empty values are always observed.)
  unobserved(ops) {
    const seen = ops.flatMap((op) => (op.f === 'get' && typeof op.output === 'string' ? [op.output] : []));
    // Sorted, the values starting with v follow v itself; joined (by a character values
    // do not contain), one native search finds v inside any of them.
    const sorted = [...seen].sort();
    const sep = '\u0000';
    const joined = seen.some((x) => x.includes(sep)) ? undefined : seen.join(sep);
    const startsSome = (v: string): boolean => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      return lo < sorted.length && sorted[lo]!.startsWith(v);
    };
    return (i) => {
      const op = ops[i]!;
      if (typeof op.input !== 'string') return false;
      const v = op.input;
      if (op.f === 'put') return !startsSome(v);
      if (op.f === 'append') return joined !== undefined && !v.includes(sep) && !joined.includes(v);
      return false;
    };
  },
  describeOp: (op) => describeBasic(op, isGet),
  describeState: show,
};

export const kv: Model<string> = keyedRegister(appendCell, 'kv');
