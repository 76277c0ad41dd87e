/**
 * The list-append checker on hand-made histories, one per anomaly it names, and a
 * property: any serial execution (some transactions failed or indeterminate) is valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkListAppend, type MicroOp } from '../../src/checkers/txn/list-append.js';
import type { Op, OpType } from '../../src/core/op.js';
import { collectViolations } from '../../src/report/violations.js';

type Done = { type: Exclude<OpType, 'invoke'>; mops: MicroOp[] };

/** Transactions one after another, each invoked with reads blank and completed as given. */
function history(txns: readonly Done[]): Op[] {
  const ops: Op[] = [];
  txns.forEach((t, i) => {
    const invoke = t.mops.map(([f, k, v]) => (f === 'r' ? ['r', k, null] : [f, k, v]));
    ops.push({ index: ops.length, type: 'invoke', process: i, f: 'txn', value: invoke, time: ops.length });
    ops.push({ index: ops.length, type: t.type, process: i, f: 'txn', value: t.type === 'ok' ? t.mops : invoke, time: ops.length });
  });
  return ops;
}
const ok = (...mops: MicroOp[]): Done => ({ type: 'ok', mops });
const a = (k: string, v: number): MicroOp => ['append', k, v];
const r = (k: string, v: number[]): MicroOp => ['r', k, v];

describe('list-append checker', () => {
  it('accepts a serial history', () => {
    const res = checkListAppend(history([ok(a('x', 1), r('x', [1])), ok(r('x', [1]), a('x', 2), a('y', 1)), ok(r('x', [1, 2]), r('y', [1]))]));
    expect(res.valid).toBe(true);
    expect(res.txnCount).toBe(3);
    expect(res.edgeCount).toBeGreaterThan(0);
  });

  it('G0: two transactions whose appends land in opposite orders on two keys', () => {
    const res = checkListAppend(history([ok(a('x', 1), a('y', 1)), ok(a('x', 2), a('y', 2)), ok(r('x', [1, 2]), r('y', [2, 1]))]));
    expect(res.anomalyTypes).toEqual(['G0']);
    expect(res.anomalies[0]!.message).toMatch(/^G0 cycle: T\d+ was overwritten by T\d+ \(ww on [xy]\); T\d+ was overwritten by T\d+ \(ww on [xy]\)$/);
  });

  it('G1c: each transaction read what the other wrote', () => {
    const res = checkListAppend(history([ok(a('x', 1), r('y', [1])), ok(a('y', 1), r('x', [1]))]));
    expect(res.anomalyTypes).toEqual(['G1c']);
  });

  it('G-single-item (read skew): a transaction saw one of two appends made together', () => {
    // The last read fixes x's order.
    const res = checkListAppend(history([ok(a('x', 1), a('y', 1)), ok(r('x', []), r('y', [1])), ok(r('x', [1]))]));
    expect(res.anomalyTypes).toEqual(['G-single-item']);
    // Without it too: a committed append missing from the longest read of its key came after it.
    expect(checkListAppend(history([ok(a('x', 1), a('y', 1)), ok(r('x', []), r('y', [1]))])).anomalyTypes).toEqual(['G-single-item']);
    // An indeterminate append nobody read may never have happened: nothing follows from it.
    expect(checkListAppend(history([{ type: 'info', mops: [a('x', 1), a('y', 2)] }, ok(a('y', 1)), ok(r('x', []), r('y', [1]))])).valid).toBe(true);
    expect(res.anomalies[0]!.message).toMatch(/read a version overwritten by/);
  });

  it('G2-item (write skew): each transaction missed the other one\'s append', () => {
    const res = checkListAppend(history([ok(r('x', []), r('y', []), a('x', 1)), ok(r('x', []), r('y', []), a('y', 1)), ok(r('x', [1]), r('y', [1]))]));
    // This helper runs transactions one after another: the first completed before the
    // second began, so missing its append is also read skew against realtime order.
    expect(res.anomalyTypes).toEqual(['G-single-item-realtime', 'G2-item']);
    expect(res.anomalies.find((x) => x.kind === 'G2-item')!.ops).toHaveLength(2);
  });

  it('a read of nil in a committed transaction is evidence of an empty key; elsewhere it proves nothing', () => {
    const nil = (k: string) => ['r', k, null] as unknown as MicroOp;
    // The G-single-item history above, with the empty read written as nil.
    const skew = [ok(a('x', 1), a('y', 1)), ok(nil('x'), r('y', [1])), ok(r('x', [1]))];
    expect(checkListAppend(history(skew)).anomalyTypes).toEqual(['G-single-item']);
    // A nil read after the transaction's own append contradicts it.
    expect(checkListAppend(history([ok(a('x', 1), nil('x'))])).anomalyTypes).toEqual(['internal']);
    // In an indeterminate or failed transaction the same reads judge nothing.
    for (const type of ['info', 'fail'] as const) {
      const h = history([ok(a('x', 1), a('y', 1)), { type, mops: [nil('x'), r('y', [1])] }, ok(r('x', [1]))]);
      expect(checkListAppend(h).anomalies, type).toEqual([]);
    }
  });

  it('appends nobody read come after the longest read of their key: lost updates need no read of the append', () => {
    // Both read x empty and appended to it; a later read shows only one append: the other
    // came after [1], so its writer read a version (empty) older than one it overwrote.
    const lost = checkListAppend(history([ok(r('x', []), a('x', 1)), ok(r('x', []), a('x', 2)), ok(r('x', [1]))]));
    expect(lost.anomalyTypes).toContain('G-single-item');
    // Two transactions whose appends to x and y are ordered oppositely, one of them unread: G0.
    const g0 = checkListAppend(history([ok(a('x', 1), a('y', 1)), ok(a('x', 2), a('y', 2)), ok(r('x', [1])), ok(r('y', [2, 1]))]));
    expect(g0.anomalyTypes).toContain('G0');
  });

  it('G1a: a read saw the append of a failed transaction', () => {
    const res = checkListAppend(history([{ type: 'fail', mops: [a('x', 1)] }, ok(r('x', [1]))]));
    expect(res.anomalyTypes).toEqual(['G1a']);
    expect(res.anomalies[0]!.ops.map((o) => o.index)).toEqual([3, 1]);
  });

  it('an indeterminate transaction may have committed: reading its append is fine', () => {
    expect(checkListAppend(history([{ type: 'info', mops: [a('x', 1)] }, ok(r('x', [1]))])).valid).toBe(true);
  });

  it('G1b: a read saw an intermediate state of another transaction', () => {
    const res = checkListAppend(history([ok(a('x', 1), a('x', 2)), ok(r('x', [1]))]));
    expect(res.anomalyTypes).toContain('G1b');
  });

  it('incompatible orders, duplicates, phantoms and internal inconsistency', () => {
    expect(checkListAppend(history([ok(a('x', 1)), ok(a('x', 2)), ok(r('x', [1, 2])), ok(r('x', [2, 1]))])).anomalyTypes).toEqual(['incompatible-order']);
    expect(checkListAppend(history([ok(a('x', 1)), ok(r('x', [1, 1]))])).anomalyTypes).toContain('duplicate-elements');
    expect(checkListAppend(history([ok(r('x', [9]))])).anomalyTypes).toEqual(['phantom-element']);
    expect(checkListAppend(history([ok(a('x', 1)), ok(r('x', [1]), a('x', 2), r('x', [1]))])).anomalyTypes).toContain('internal');
    expect(checkListAppend(history([ok(a('x', 1)), ok(r('x', [1]), r('x', []))])).anomalyTypes).toContain('internal');
  });

  it('cites its anomalies the way the report reads violations: kind, message, op indices', () => {
    const res = checkListAppend(history([{ type: 'fail', mops: [a('x', 1)] }, ok(r('x', [1]))]));
    const { violations } = collectViolations({ 'list-append': res });
    expect(violations).toEqual([{ kind: 'G1a', message: res.anomalies[0]!.message, indices: [3, 1] }]);
  });

  it('names a value that is not a micro-op list', () => {
    const bad: Op[] = [
      { index: 0, type: 'invoke', process: 0, f: 'txn', value: [['write', 'x', 1]], time: 0 },
      { index: 1, type: 'ok', process: 0, f: 'txn', value: [['write', 'x', 1]], time: 1 },
    ];
    expect(() => checkListAppend(bad)).toThrow(/op 0: a txn's value must be a list of \['append', k, v\] or \['r', k, list\] micro-ops/);
  });

  it('refuses a read that returned something other than a list (a register value is not list-append)', () => {
    const bad: Op[] = [
      { index: 0, type: 'invoke', process: 0, f: 'txn', value: [['r', 'x', null]], time: 0 },
      { index: 1, type: 'ok', process: 0, f: 'txn', value: [['r', 'x', 5]], time: 1 },
    ];
    expect(() => checkListAppend(bad)).toThrow(/op 0: a txn's value must be a list of/);
  });

  it('property: a serial execution is valid whatever fails or is indeterminate', () => {
    const mop = fc.tuple(fc.constantFrom('append', 'r'), fc.constantFrom('x', 'y', 'z'));
    const txn = fc.record({ mops: fc.array(mop, { minLength: 1, maxLength: 4 }), outcome: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info-applied', 'info-lost') });
    fc.assert(
      fc.property(fc.array(txn, { minLength: 1, maxLength: 30 }), (plan) => {
        const state = new Map<string, number[]>();
        let next = 1;
        const done: Done[] = plan.map(({ mops, outcome }) => {
          const applies = outcome === 'ok' || outcome === 'info-applied';
          const local = new Map([...state].map(([k, v]) => [k, [...v]]));
          const out: MicroOp[] = mops.map(([f, k]) => {
            const list = local.get(k) ?? [];
            if (f === 'r') return ['r', k, [...list]];
            const v = next++;
            local.set(k, [...list, v]);
            return ['append', k, v];
          });
          if (applies) for (const [k, v] of local) state.set(k, v);
          return { type: outcome === 'ok' ? 'ok' : outcome === 'fail' ? 'fail' : 'info', mops: out };
        });
        const res = checkListAppend(history(done));
        expect(res.anomalies).toEqual([]);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('property: hiding one committed append from a later read of two keys is caught', () => {
    // T1 appends to x and y together; a later reader sees y's append but not x's: read skew.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), (before) => {
        const pre: Done[] = Array.from({ length: before }, (_, i) => ok(a('x', 100 + i)));
        const xs = pre.map((_, i) => 100 + i);
        const res = checkListAppend(history([...pre, ok(a('x', 1), a('y', 1)), ok(r('x', xs), r('y', [1])), ok(r('x', [...xs, 1]))]));
        expect(res.anomalyTypes).toEqual(['G-single-item']);
      }),
      { numRuns: 20 },
    );
  });
});
