/**
 * A register with compare-and-set, initially `null` (absent). Ops: `read`, `write` and
 * `cas` with value `[from, to]`. A `fail`ed cas is dropped before the search (it did not
 * happen), so any cas that takes effect requires state === from. A cas of unknown outcome
 * that did not apply is the same as one that never happened, which the search already
 * allows by leaving it out of the linearization.
 */
import { describeBasic, ok, rejected, show, unknownOp, valueEqual, type Model, type OpView } from '../model.js';
import { registerHash, registerReachability, registerUnobserved, stepReadWrite, type RegisterState } from './register.js';

const isRead = (f: string): boolean => f === 'read';

function casPair(input: unknown): [unknown, unknown] {
  if (!Array.isArray(input) || input.length !== 2) {
    throw new Error(`cas-register model: cas value must be [from, to], got ${show(input)}`);
  }
  return [input[0], input[1]];
}

/** What an op may store: a write its input, a cas its `to`. */
const written = (op: OpView): unknown => (op.f === 'write' ? op.input : op.f === 'cas' && Array.isArray(op.input) && op.input.length === 2 ? op.input[1] : undefined);

export const casRegister: Model<RegisterState> = {
  name: 'cas-register',
  init: () => null,
  step(state, f, input, output) {
    const r = stepReadWrite(state, f, input, output);
    if (r !== undefined) return r;
    if (f !== 'cas') throw unknownOp(this.name, f);
    const [from, to] = casPair(input);
    return valueEqual(state, from) ? ok(to) : rejected;
  },
  equal: valueEqual,
  hash: registerHash,
  readOnly: isRead,
  blind: (f) => f === 'write',
  reachability: (ops) => registerReachability(ops, written),
  unobserved: (ops) => registerUnobserved(ops, written),
  describeOp: (op) => describeBasic(op, isRead),
  describeState: show,
};
