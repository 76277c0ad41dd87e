/**
 * A read/write register, initially `null`: a read returns the last value written.
 * Ops: `read` (invoke value ignored, output = value read) and `write` (input = value).
 */
import { toJson } from '../../../core/exact-json.js';
import {
  describeBasic,
  ok,
  rejected,
  show,
  unknownOp,
  valueEqual,
  type Model,
  type Lookahead,
  type OpView,
  type Step,
} from '../model.js';

export type RegisterState = unknown;

const isRead = (f: string): boolean => f === 'read';

/** Steps shared with the cas-register: `undefined` when `f` is neither read nor write. */
export function stepReadWrite(
  state: RegisterState,
  f: string,
  input: unknown,
  output: unknown,
): Step<RegisterState> | undefined {
  if (f === 'read') {
    // Unknown output: a read that may have happened constrains nothing.
    return output === undefined || valueEqual(state, output) ? ok(state) : rejected;
  }
  if (f === 'write') return ok(input);
  return undefined;
}

/**
 * Lookahead for registers: a read of v can only succeed if the register holds v now or
 * some op that may still take effect first writes v. `written(op)` is the value an op
 * may store (write: its input; cas: its `to`), or undefined for ops that store nothing.
 */
export function registerReachability(ops: readonly OpView[], written: (op: OpView) => unknown): Lookahead<RegisterState> {
  const key = (v: unknown): string => toJson(v) ?? 'undefined';
  const writes = ops.map((op) => {
    const w = op.f === 'read' ? undefined : written(op);
    return w === undefined ? undefined : key(w);
  });
  const reads = ops.map((op) => (op.f === 'read' && op.output !== undefined ? key(op.output) : undefined));
  const reachable = new Set<string>();
  // The search starts many walks from one state in a row: keep its key.
  let last: { state: RegisterState; key: string } | undefined;
  return {
    start(state) {
      if (last === undefined || last.state !== state) last = { state, key: key(state) };
      reachable.clear();
      reachable.add(last.key);
    },
    add(op) {
      const w = writes[op];
      if (w !== undefined) reachable.add(w);
    },
    check(read) {
      const want = reads[read];
      return want === undefined || reachable.has(want);
    },
  };
}

/**
 * Unobserved ops of registers: a write (or a cas's `to`) of a value that no ok read
 * returns and no cas expects as `from`. In that state no read can succeed and no cas can
 * apply, so only writes can follow it, and they replace it unseen: a linearization with
 * the op is still one without it, and one of unknown outcome need not happen.
 */
export function registerUnobserved(ops: readonly OpView[], written: (op: OpView) => unknown): (op: number) => boolean {
  const key = (v: unknown): string => toJson(v) ?? 'undefined';
  const observed = new Set<string>();
  for (const op of ops) {
    if (op.f === 'read' && op.output !== undefined) observed.add(key(op.output));
    if (op.f === 'cas') {
      // A malformed cas is the model's to reject; here it just observes nothing.
      if (Array.isArray(op.input) && op.input.length === 2) observed.add(key(op.input[0]));
    }
  }
  return (i) => {
    const op = ops[i]!;
    if (op.f === 'read') return false;
    const w = written(op);
    return w !== undefined && !observed.has(key(w));
  };
}

export const registerHash = (s: RegisterState): string => toJson(s) ?? 'undefined';

export const register: Model<RegisterState> = {
  name: 'register',
  init: () => null,
  step(state, f, input, output) {
    const r = stepReadWrite(state, f, input, output);
    if (r === undefined) throw unknownOp(this.name, f);
    return r;
  },
  equal: valueEqual,
  hash: registerHash,
  readOnly: isRead,
  blind: (f) => f === 'write',
  reachability: (ops) => registerReachability(ops, (op) => (op.f === 'write' ? op.input : undefined)),
  unobserved: (ops) => registerUnobserved(ops, (op) => (op.f === 'write' ? op.input : undefined)),
  describeOp: (op) => describeBasic(op, isRead),
  describeState: show,
};
