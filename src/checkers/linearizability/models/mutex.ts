/**
 * A lock, initially free: `acquire` succeeds only when it is free and takes it;
 * `release` succeeds only when it is held and frees it. (Who holds it is not modelled:
 * any process's release counts, as in Knossos's mutex.)
 */
import { ok, rejected, unknownOp, type Model } from '../model.js';

export const mutex: Model<boolean> = {
  name: 'mutex',
  init: () => false,
  step(held, f) {
    if (f === 'acquire') return held ? rejected : ok(true);
    if (f === 'release') return held ? ok(false) : rejected;
    throw unknownOp(this.name, f);
  },
  equal: (a, b) => a === b,
  hash: (s) => (s ? 1 : 0),
  describeOp: (op) => `${op.f}${op.type === 'ok' ? '' : ' (indeterminate)'}`,
  describeState: (s) => (s ? 'held' : 'free'),
};
