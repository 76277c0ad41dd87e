/**
 * The rw-register checker on hand-made histories, one per anomaly it names; what each
 * version-order assumption adds; and a property: any serial execution is valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRwRegister, type RwMicroOp } from '../../src/checkers/txn/rw-register.js';
import type { Op, OpType } from '../../src/core/op.js';

type Done = { type: Exclude<OpType, 'invoke'>; mops: RwMicroOp[]; process?: number };

/** Transactions one after another (real time: each completes before the next begins). */
function serial(txns: readonly Done[]): Op[] {
  const ops: Op[] = [];
  txns.forEach((t, i) => {
    const invoke = t.mops.map(([f, k, v]) => (f === 'r' ? ['r', k, null] : [f, k, v]));
    ops.push({ index: ops.length, type: 'invoke', process: t.process ?? i, f: 'txn', value: invoke, time: ops.length });
    ops.push({ index: ops.length, type: t.type, process: t.process ?? i, f: 'txn', value: t.type === 'ok' ? t.mops : invoke, time: ops.length });
  });
  return ops;
}
/** Transactions all concurrent: every invoke before any completion. */
function concurrent(txns: readonly Done[]): Op[] {
  const ops: Op[] = [];
  txns.forEach((t, i) => ops.push({ index: ops.length, type: 'invoke', process: i, f: 'txn', value: t.mops.map(([f, k, v]) => (f === 'r' ? ['r', k, null] : [f, k, v])), time: ops.length }));
  txns.forEach((t, i) => ops.push({ index: ops.length, type: t.type, process: i, f: 'txn', value: t.mops, time: ops.length }));
  return ops;
}
const ok = (...mops: RwMicroOp[]): Done => ({ type: 'ok', mops });
const failed = (...mops: RwMicroOp[]): Done => ({ type: 'fail', mops });
const w = (k: string, v: number): RwMicroOp => ['w', k, v];
const r = (k: string, v: number | null): RwMicroOp => ['r', k, v];

describe('rw-register checker', () => {
  it('accepts a serial history, with edges inferred from reads and the initial state', () => {
    const res = checkRwRegister(serial([ok(r('x', null), w('x', 1)), ok(r('x', 1), w('x', 2), w('y', 1)), ok(r('x', 2), r('y', 1))]));
    expect(res.valid).toBe(true);
    expect(res.txnCount).toBe(3);
    // ww T1→T2 (x: 1 then 2), wr T1→T2, wr T2→T3, rw T1→T2 (T1 read the initial x, T2
    // overwrote it), and realtime T1→T2, T2→T3 (each completed before the next began).
    expect(res.edgeCount).toBe(6);
    expect(res.strongestConsistentModels).toEqual(['strict-serializable']);
  });

  it('G1a: a read of a value only a failed transaction wrote', () => {
    const res = checkRwRegister(serial([failed(w('x', 1)), ok(r('x', 1))]));
    expect(res.anomalyTypes).toEqual(['G1a']);
    expect(res.valid).toBe(false);
  });

  it('G1b: a read of a version its writer overwrote in the same transaction', () => {
    const res = checkRwRegister(concurrent([ok(w('x', 1), w('x', 2)), ok(r('x', 1))]));
    expect(res.anomalyTypes).toContain('G1b');
    expect(res.anomalies.find((a) => a.kind === 'G1b')!.message).toMatch(/intermediate version/);
  });

  it("internal: a read that disagrees with the transaction's own write", () => {
    const res = checkRwRegister(serial([ok(w('x', 1), r('x', 3))]));
    expect(res.anomalyTypes).toContain('internal');
  });

  it('garbage-read: a value nobody wrote', () => {
    const res = checkRwRegister(serial([ok(w('x', 1)), ok(r('x', 9))]));
    expect(res.anomalyTypes).toEqual(['garbage-read']);
  });

  it('duplicate writes make the key unusable and the verdict unknown, not invalid', () => {
    const res = checkRwRegister(serial([ok(w('x', 1)), ok(w('x', 1)), ok(r('x', 1))]));
    expect(res.anomalyTypes).toEqual(['duplicate-writes']);
    expect(res.valid).toBe('unknown');
  });

  it('G-single-item (read skew): a transaction sees one write of another but not its other write', () => {
    const res = checkRwRegister(concurrent([ok(w('x', 1), w('y', 1)), ok(r('x', null), r('y', 1))]));
    expect(res.anomalyTypes).toEqual(['G-single-item']);
    expect(res.anomalies[0]!.message).toMatch(/rw on x/);
    expect(res.anomalies[0]!.message).toMatch(/wr on y/);
  });

  it('G2-item (write skew): each transaction read what the other then overwrote', () => {
    const res = checkRwRegister(concurrent([ok(r('x', null), r('y', null), w('x', 1)), ok(r('x', null), r('y', null), w('y', 2))]));
    expect(res.anomalyTypes).toEqual(['G2-item']);
    // The same consistency models as list-append: snapshot isolation allows write skew.
    expect(res.valid).toBe(false);
    const si = checkRwRegister(concurrent([ok(r('x', null), r('y', null), w('x', 1)), ok(r('x', null), r('y', null), w('y', 2))]), { consistencyModel: 'snapshot-isolation' });
    expect(si.valid).toBe(true);
    expect(si.anomalies[0]!.allowed).toBe(true);
    expect(si.strongestConsistentModels).toEqual(['strong-snapshot-isolation']);
  });

  it('a stale read after a completed write is invisible without assumptions and caught with linearizable keys', () => {
    const h = serial([ok(w('x', 1)), ok(r('x', null))]);
    expect(checkRwRegister(h).valid).toBe(true);
    const lin = checkRwRegister(h, { linearizableKeys: true });
    expect(lin.anomalyTypes).toEqual(['cyclic-versions']);
    expect(lin.assumptions).toContain('linearizable keys (real-time order)');
  });

  it('sequential keys order one process only: the same stale read by another process passes, by the writer fails', () => {
    const other = serial([{ ...ok(w('x', 1)), process: 0 }, { ...ok(r('x', null)), process: 1 }]);
    expect(checkRwRegister(other, { sequentialKeys: true }).valid).toBe(true);
    const same = serial([{ ...ok(w('x', 1)), process: 0 }, { ...ok(r('x', null)), process: 0 }]);
    expect(checkRwRegister(same, { sequentialKeys: true }).valid).toBe(false);
  });

  it('G0 found through real-time version order: writes to two keys land in opposite orders', () => {
    // T1 and T2 write x and y concurrently; later reads show x=2 last and y=1 last.
    const ops: Op[] = [];
    const add = (type: OpType, process: number, value: unknown) => ops.push({ index: ops.length, type, process, f: 'txn', value, time: ops.length });
    add('invoke', 0, [w('x', 1), w('y', 1)]);
    add('invoke', 1, [w('x', 2), w('y', 2)]);
    add('ok', 0, [w('x', 1), w('y', 1)]);
    add('ok', 1, [w('x', 2), w('y', 2)]);
    // After both finished, x holds 2 and y holds 1: under linearizable keys, x was 1 then
    // 2 and y was 2 then 1, so each writer overwrote the other.
    add('invoke', 2, [r('x', null)]);
    add('ok', 2, [r('x', 2)]);
    add('invoke', 3, [r('y', null)]);
    add('ok', 3, [r('y', 1)]);
    expect(checkRwRegister(ops).anomalyTypes).not.toContain('G0');
    expect(checkRwRegister(ops, { linearizableKeys: true }).anomalyTypes).toEqual(['G0']);
  });

  it('property: a serial execution of random transactions is valid under every assumption', () => {
    const txn = fc.array(fc.tuple(fc.constantFrom('r', 'w'), fc.constantFrom('x', 'y', 'z')), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(txn, fc.boolean()), { maxLength: 25 }), (plan) => {
        const state = new Map<string, number>();
        let next = 1;
        const done: Done[] = plan.map(([mops, commit]) => {
          const local = new Map(state);
          const filled = mops.map(([f, k]): RwMicroOp => (f === 'w' ? (local.set(k, next), w(k, next++)) : r(k, local.get(k) ?? null)));
          if (commit) for (const [k, v] of local) state.set(k, v);
          return commit ? ok(...filled) : failed(...filled);
        });
        const h = serial(done);
        expect(checkRwRegister(h).valid).toBe(true);
        expect(checkRwRegister(h, { linearizableKeys: true }).valid).toBe(true);
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
