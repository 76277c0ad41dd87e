/**
 * The list-append anomalies that need no cycle and that Elle names on their own, each on a
 * small history written for it (issue 17 item 4): future-read, lost-update, dirty-update,
 * duplicate-appends, and a corrupt read that must not pose as a G0.
 */
import { describe, expect, it } from 'vitest';
import { checkListAppend, type MicroOp } from '../../src/checkers/txn/list-append.js';
import { forbiddenBy } from '../../src/checkers/txn/consistency-models.js';
import type { Op, OpType } from '../../src/core/op.js';

type Done = { type: Exclude<OpType, 'invoke'>; mops: MicroOp[]; process?: number };

/** Transactions one after another, each on its own process unless given. */
function history(txns: readonly Done[]): Op[] {
  const ops: Op[] = [];
  txns.forEach((t, i) => {
    const invoke = t.mops.map(([f, k, v]) => (f === 'r' ? ['r', k, null] : [f, k, v]));
    const process = t.process ?? i;
    ops.push({ index: ops.length, type: 'invoke', process, f: 'txn', value: invoke, time: ops.length });
    ops.push({ index: ops.length, type: t.type, process, f: 'txn', value: t.type === 'ok' ? t.mops : invoke, time: ops.length });
  });
  return ops;
}
/** The same, but every transaction invoked before any completes: no realtime order among them. */
function concurrent(txns: readonly Done[]): Op[] {
  const h = history(txns);
  const ops = [...h.filter((o) => o.type === 'invoke'), ...h.filter((o) => o.type !== 'invoke')];
  return ops.map((o, i) => ({ ...o, index: i, time: i }));
}
const ok = (...mops: MicroOp[]): Done => ({ type: 'ok', mops });
const fail = (...mops: MicroOp[]): Done => ({ type: 'fail', mops });
const info = (...mops: MicroOp[]): Done => ({ type: 'info', mops });
const a = (k: string, v: number): MicroOp => ['append', k, v];
const r = (k: string, v: number[]): MicroOp => ['r', k, v];
const kinds = (h: Done[]) => checkListAppend(history(h)).anomalyTypes;

describe('list-append: anomalies Elle names on their own', () => {
  it('future-read: a read holding the transaction\'s own later append', () => {
    const res = checkListAppend(history([ok(r('x', [1]), a('x', 1))]));
    expect(res.anomalyTypes).toEqual(['future-read']);
    expect(res.anomalies[0]!.ops.map((o) => o.index)).toEqual([1]);
    expect(res.anomalies[0]!.message).toMatch(/holding 1, which its own transaction appended only afterwards/);
    // It is a one-transaction G1c: read committed forbids it, read uncommitted does not.
    expect(res.valid).toBe(false);
    expect(res.weakestModelsRuledOut).toEqual(['read-committed']);
    // The same read after the append is the transaction's own write: nothing wrong.
    expect(kinds([ok(a('x', 1), r('x', [1]))])).toEqual([]);
    // Another key's later append is no future read.
    expect(kinds([ok(a('y', 1)), ok(r('y', [1]), a('x', 1))])).toEqual([]);
  });

  it('lost-update: two committed transactions read one version of a key and both appended to it', () => {
    const h = [ok(a('x', 1)), ok(r('x', [1]), a('x', 2)), ok(r('x', [1]), a('x', 3)), ok(r('x', [1, 2, 3]))];
    const res = checkListAppend(history(h));
    expect(res.anomalyTypes).toContain('lost-update');
    const lost = res.anomalies.filter((x) => x.kind === 'lost-update');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.ops.map((o) => o.index)).toEqual([3, 5]);
    expect(lost[0]!.message).toMatch(/read key x at the same version \[1\] and each appended to it/);
    // Forbidden by repeatable read and snapshot isolation, allowed by read committed.
    for (const m of ['repeatable-read', 'snapshot-isolation'] as const) expect(checkListAppend(history(h), { consistencyModel: m }).forbiddenAnomalyTypes).toContain('lost-update');
    expect(checkListAppend(history(h), { consistencyModel: 'read-committed' }).valid).toBe(true);
    // Read then append in sequence, each on the version the other left: no lost update.
    expect(kinds([ok(a('x', 1)), ok(r('x', [1]), a('x', 2)), ok(r('x', [1, 2]), a('x', 3)), ok(r('x', [1, 2, 3]))])).toEqual([]);
    // A failed or indeterminate second writer committed nothing we know of: not a lost update.
    for (const other of [fail(r('x', [1]), a('x', 3)), info(r('x', [1]), a('x', 3))]) {
      expect(kinds([ok(a('x', 1)), ok(r('x', [1]), a('x', 2)), other, ok(r('x', [1, 2]))])).not.toContain('lost-update');
    }
    // Reading the same version without appending to it is no lost update.
    expect(kinds([ok(a('x', 1)), ok(r('x', [1]), a('x', 2)), ok(r('x', [1]), a('y', 3)), ok(r('x', [1, 2]), r('y', [3]))])).not.toContain('lost-update');
  });

  it('dirty-update: a committed append lands directly after a failed transaction\'s append', () => {
    const res = checkListAppend(history([fail(a('x', 1)), ok(a('x', 2)), ok(r('x', [1, 2]))]));
    expect(res.anomalyTypes).toEqual(['G1a', 'dirty-update']);
    const d = res.anomalies.find((x) => x.kind === 'dirty-update')!;
    expect(d.ops.map((o) => o.index)).toEqual([3, 1, 5]);
    expect(d.message).toMatch(/^key x: 2 was appended directly after 1, which a transaction that failed appended/);
    // dirty-update implies G1a: read uncommitted allows it, read committed does not.
    expect(forbiddenBy('read-uncommitted').has('dirty-update')).toBe(false);
    expect(forbiddenBy('read-committed').has('dirty-update')).toBe(true);
    // A failed append read last, with no committed append after it: an aborted read only.
    expect(kinds([ok(a('x', 2)), fail(a('x', 1)), ok(r('x', [2, 1]))])).toEqual(['G1a']);
  });

  it('duplicate-appends: a value appended twice to one key is reported and that key gives no edges', () => {
    // Without the duplicate this is G0 (x and y ordered oppositely); with x's values
    // ambiguous, x gives no edges, so no cycle is claimed.
    const res = checkListAppend(concurrent([ok(a('x', 1), a('y', 1)), ok(a('x', 1), a('y', 2)), ok(r('x', [1, 1]), r('y', [2, 1]))]));
    expect(res.anomalyTypes).toEqual(['duplicate-appends', 'duplicate-elements']);
    const d = res.anomalies.find((x) => x.kind === 'duplicate-appends')!;
    expect(d.message).toBe('1 was appended to key x 2 times; values must be unique per key, so no order is inferred for it');
    expect(d.ops.map((o) => o.index)).toEqual([3, 4]);
    expect(res.valid).toBe(false);
    expect(res.weakestModelsRuledOut).toEqual(['read-uncommitted']);
    // No corrupt read this time: x's reads are sound, but 1 could be T1's or T3's. Taking
    // it as T3's (T3 before T2 on x, T2 before T3 on z) would claim a G0 nobody showed.
    const sound = checkListAppend(concurrent([ok(a('x', 1)), ok(a('x', 2), a('z', 1)), ok(a('x', 1), a('z', 2)), ok(r('x', [1, 2]), r('z', [1, 2]))]));
    expect(sound.anomalyTypes).toEqual(['duplicate-appends']);
    // The control: distinct values give the G0.
    expect(checkListAppend(concurrent([ok(a('x', 1), a('y', 1)), ok(a('x', 2), a('y', 2)), ok(r('x', [1, 2]), r('y', [2, 1]))])).anomalyTypes).toEqual(['G0']);
    // An indeterminate transaction's append counts; a failed one's does not; one
    // transaction appending the same value twice counts.
    expect(kinds([ok(a('x', 1)), info(a('x', 1))])).toEqual(['duplicate-appends']);
    expect(kinds([ok(a('x', 1)), fail(a('x', 1))])).toEqual([]);
    expect(kinds([ok(a('x', 1), a('x', 1))])).toEqual(['duplicate-appends']);
    // The same value on different keys is fine.
    expect(kinds([ok(a('x', 1)), ok(a('y', 1)), ok(r('x', [1]), r('y', [1]))])).toEqual([]);
  });

  it('a single corrupt read [1 2 1] is duplicate-elements only: no G0, no G1c, no incompatible order', () => {
    // Taken as an order, [1 2 1] would say T1 → T2 → T1 (ww): a G0.
    const res = checkListAppend(history([ok(a('x', 1)), ok(a('x', 2)), ok(r('x', [1, 2, 1]))]));
    expect(res.anomalyTypes).toEqual(['duplicate-elements']);
    expect(res.anomalies).toHaveLength(1);
    expect(res.anomalies[0]!.message).toBe('a read of key x holds an element twice: [1,2,1]');
    // With wr edges too (the writers read each other's keys), still no cycle is made of it.
    const wr = checkListAppend(history([ok(a('x', 1), r('y', [])), ok(a('x', 2), a('y', 1)), ok(r('x', [1, 2, 1]), r('y', [1])), ok(r('x', [1, 2]))]));
    expect(wr.anomalyTypes).toEqual(['duplicate-elements']);
    // Beside a sound longer read of the key, the corrupt one is still not an incompatible order.
    expect(kinds([ok(a('x', 1)), ok(a('x', 2)), ok(a('x', 3)), ok(r('x', [1, 2, 1])), ok(r('x', [1, 2, 3]))])).toEqual(['duplicate-elements']);
  });
});
