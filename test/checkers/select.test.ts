import { describe, expect, it } from 'vitest';
import type { Checker } from '../../src/checkers/checker.js';
import { selectOps } from '../../src/checkers/select.js';
import { checkSet, setChecker } from '../../src/checkers/set.js';
import type { Op } from '../../src/core/op.js';
import { h } from './history.js';

/** A checker that records the history it was given. */
function recorder(): Checker & { seen: Op[] } {
  const c = { name: 'rec', seen: [] as Op[], check: async (history: readonly Op[]) => ((c.seen = [...history]), { valid: true as const }) };
  return c;
}

describe('selectOps', () => {
  it('passes on the chosen invocations with their completions and every fault, original indices kept', async () => {
    const b = h()
      .op(0, 'write', ['k', 1], 'ok', ['k', 1])
      .op(1, 'add', 'e', 'ok', 'e')
      .fault('start-partition')
      .invoke(0, 'read', ['k', null])
      .invoke(1, 'read', null)
      .complete(1, 'ok', 'read', ['e'])
      .complete(0, 'ok', 'read', ['k', 1]);
    const rec = recorder();
    await selectOps(rec, (op) => Array.isArray(op.value)).check(b.ops, {});
    expect(rec.seen.map((o) => o.index)).toEqual([0, 1, 4, 5, 6, 9]);
    expect(rec.seen.filter((o) => o.process !== 'nemesis').every((o) => Array.isArray(o.value))).toBe(true);
  });

  it('lets the set checker judge the set ops of a mixed history, which alone it would misread', async () => {
    const b = h()
      .op(0, 'add', 'a', 'ok', 'a')
      .op(1, 'read', ['k', null], 'ok', ['k', 'a'])
      .fault('stop-partition')
      .op(0, 'read', null, 'ok', ['a']);
    // Unfiltered, the register read's result ['k', 'a'] looks like a set holding "k".
    expect(checkSet(b.ops).unexpectedCount).toBe(1);
    const r = await selectOps(setChecker(), (op) => !Array.isArray(op.value)).check(b.ops, {});
    expect(r.valid).toBe(true);
    expect(r.unexpectedCount).toBe(0);
  });
});
