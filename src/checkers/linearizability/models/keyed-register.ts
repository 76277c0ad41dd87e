/**
 * Independent registers addressed by key: each op's value is the tuple `[key, v]` (read:
 * invoke `[key, null]`, ok `[key, observed]`; write `[key, v]`; cas `[key, [from, to]]`).
 * This is what the harness's `register` workload records. Keys never interact, so the
 * history is partitioned per key and each key is checked alone with the inner model.
 */
import type { CompletedOp } from '../../../core/op.js';
import { show, type Model, type OpView } from '../model.js';
import { casRegister } from './cas-register.js';

/** Splits a keyed value; throws on anything but a 2-tuple. */
function splitKeyed(value: unknown, where: string): [unknown, unknown] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new Error(`${where}: expected a [key, value] tuple, got ${show(value)}`);
  }
  return [value[0], value[1]];
}

/** Partition label: string keys as they are, other keys (numbers...) as JSON. */
function keyLabel(key: unknown): string {
  return typeof key === 'string' ? key : show(key);
}

/** The inner view of a keyed op, for describing it with the inner model. */
function unkeyed(op: CompletedOp): CompletedOp {
  const [, v] = splitKeyed(op.value, `op ${op.invoke.index}`);
  const r = op.result === undefined || op.result === null ? op.result : splitKeyed(op.result, `op ${op.invoke.index}`)[1];
  return { ...op, value: v, result: r };
}

/** Lifts a model of one register to a model of many registers addressed by key. */
export function keyedRegister<S>(inner: Model<S>, name = `keyed-${inner.name}`): Model<S> {
  const unkeyedView = (op: OpView): OpView => ({
    f: op.f,
    input: splitKeyed(op.input, `${name} model, ${op.f} input`)[1],
    output: op.output === undefined ? undefined : splitKeyed(op.output, `${name} model, ${op.f} output`)[1],
  });
  return {
    name,
    init: () => inner.init(),
    step(state, f, input, output) {
      const [, v] = splitKeyed(input, `${name} model, ${f} input`);
      const out = output === undefined ? undefined : splitKeyed(output, `${name} model, ${f} output`)[1];
      return inner.step(state, f, v, out);
    },
    equal: (a, b) => inner.equal(a, b),
    hash: (s) => inner.hash(s),
    partition(ops) {
      const parts = new Map<string, CompletedOp[]>();
      for (const op of ops) {
        const [key] = splitKeyed(op.value, `${name} model, op at index ${op.invoke.index}`);
        const label = keyLabel(key);
        let part = parts.get(label);
        if (part === undefined) parts.set(label, (part = []));
        part.push(op);
      }
      return parts;
    },
    readOnly: (f) => inner.readOnly?.(f) ?? false,
    blind: (f) => inner.blind?.(f) ?? false,
    ...(inner.reachability && { reachability: (ops: readonly OpView[]) => inner.reachability!(ops.map(unkeyedView)) }),
    ...(inner.unobserved && { unobserved: (ops: readonly OpView[]) => inner.unobserved!(ops.map(unkeyedView)) }),
    describeOp: (op) => {
      const [key] = splitKeyed(op.value, `op ${op.invoke.index}`);
      return `${keyLabel(key)}: ${inner.describeOp(unkeyed(op))}`;
    },
    describeState: (s) => inner.describeState(s),
  };
}

/** The harness's `register` workload: per-key compare-and-set registers. */
export const multiRegister: Model<unknown> = keyedRegister(casRegister);
