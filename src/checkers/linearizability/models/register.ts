/**
 * A read/write register, initially `null`: a read returns the last value written.
 * Ops: `read` (invoke value ignored, output = value read) and `write` (input = value).
 */
import {
  describeBasic,
  ok,
  rejected,
  show,
  unknownOp,
  valueEqual,
  type Model,
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

export const registerHash = (s: RegisterState): string => JSON.stringify(s) ?? 'undefined';

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
  describeOp: (op) => describeBasic(op, isRead),
  describeState: show,
};
