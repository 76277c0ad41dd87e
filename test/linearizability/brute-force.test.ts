/**
 * The search against a brute-force oracle on small random cas-register histories: both
 * must agree on every history, valid or not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompletedOp, Op } from '../../src/core/op.js';
import { casRegister, checkLinearizable, type Model } from '../../src/checkers/linearizability/index.js';
import { clientPairs } from '../../src/core/history-reader.js';

/**
 * Tries every order directly from the definition: the next op may be any remaining one
 * that no remaining ok op completed before it was invoked; done when no ok op remains.
 */
function bruteForce(model: Model, ops: readonly CompletedOp[]): boolean {
  const live = ops.filter((o) => o.type !== 'fail');
  const ret = (o: CompletedOp): number => (o.type === 'ok' && o.complete ? o.complete.index : Infinity);
  const go = (left: readonly CompletedOp[], state: unknown): boolean => {
    if (!left.some((o) => o.type === 'ok')) return true;
    return left.some((o, i) => {
      if (left.some((p) => ret(p) < o.invoke.index)) return false;
      const r = model.step(state, o.f, o.value, o.type === 'ok' ? o.result : undefined);
      return r.ok && go([...left.slice(0, i), ...left.slice(i + 1)], r.state);
    });
  };
  return go(live, model.init());
}

type Value = null | 0 | 1;
interface Action {
  process: number;
  f: 'read' | 'write' | 'cas';
  input: Value;
  input2: Value;
  output: Value;
  outcome: 'ok' | 'info' | 'fail';
}

const value = fc.constantFrom<Value>(null, 0, 1);
const action: fc.Arbitrary<Action> = fc.record({
  process: fc.integer({ min: 0, max: 3 }),
  f: fc.constantFrom<Action['f']>('read', 'write', 'cas'),
  input: value,
  input2: value,
  output: value,
  outcome: fc.constantFrom<Action['outcome']>('ok', 'ok', 'ok', 'info', 'fail'),
});

/** Turns a list of actions into a history: each action invokes or completes its process's op. */
function toHistory(actions: readonly Action[]): Op[] {
  const ops: Op[] = [];
  const open = new Map<number, Op>();
  const push = (o: Omit<Op, 'index' | 'time'>): void => {
    ops.push({ ...o, index: ops.length, time: ops.length });
  };
  for (const a of actions) {
    const inv = open.get(a.process);
    if (!inv) {
      const v = a.f === 'read' ? null : a.f === 'write' ? a.input : [a.input, a.input2];
      push({ type: 'invoke', process: a.process, f: a.f, value: v });
      open.set(a.process, ops[ops.length - 1]!);
    } else {
      const type = inv.f === 'read' && a.outcome === 'fail' ? 'ok' : a.outcome;
      push({ type, process: a.process, f: inv.f, value: inv.f === 'read' ? a.output : inv.value });
      open.delete(a.process);
    }
  }
  return ops; // still-open invocations stay incomplete
}

describe('search vs brute force', () => {
  it('agrees on random small cas-register histories', async () => {
    let valid = 0;
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const history = toHistory(actions);
        const want = bruteForce(casRegister, clientPairs(history));
        const r = await checkLinearizable(history, casRegister);
        expect(r.valid).toBe(want);
        if (want) valid++;
        else invalid++;
      }),
      { numRuns: 1500, seed: 42 },
    );
    console.log(`brute force: ${valid} valid, ${invalid} invalid histories agree`);
    // The generator must exercise both verdicts to mean anything.
    expect(valid).toBeGreaterThan(200);
    expect(invalid).toBeGreaterThan(200);
  });
});
