/**
 * Register ops on rotating keys (workload-kit/register-ops.ts): a group of threads uses a
 * key for at most opsPerKey ops, groups never share a key, values are unique per key, and
 * the final reads cover exactly the keys still live. Run through the deterministic
 * interpreter against an in-memory register, and judged by the real linearizability checker.
 */
import { describe, expect, it } from 'vitest';
import { checkLinearizable, multiRegister } from '../../src/checkers/linearizability/index.js';
import { clients, simulate } from '../../src/core/generator/index.js';
import type { SimCompletion } from '../../src/core/generator/simulate.js';
import type { Op } from '../../src/core/op.js';
import { keyGroupOf, liveKeyFinalReads, liveKeys, registerOps, threadsPerKeyFor } from '../../src/workload-kit/register-ops.js';
import { invokes } from './helpers.js';

type Keyed = [string, unknown];
const keyOf = (op: Op): string => (op.value as Keyed)[0];

/** An in-memory store of registers: each op takes effect when it completes (atomic, so linearizable). */
function atomicStore(opts: { staleEvery?: number; infoEvery?: number } = {}) {
  const state = new Map<string, unknown>();
  const previous = new Map<string, unknown>();
  let n = 0;
  return (invoke: Op): SimCompletion => {
    n++;
    const [k, v] = invoke.value as Keyed;
    const cur = state.has(k) ? state.get(k) : null;
    const set = (x: unknown) => {
      previous.set(k, cur);
      state.set(k, x);
    };
    if (invoke.f === 'read') {
      // A replica that missed the latest write answers with the value before it.
      const stale = opts.staleEvery !== undefined && n % opts.staleEvery === 0 && previous.has(k);
      return { type: 'ok', value: [k, stale ? previous.get(k) : cur] };
    }
    const info = opts.infoEvery !== undefined && n % opts.infoEvery === 0;
    if (invoke.f === 'write') {
      // An info write took effect every other time: the checker must allow both.
      if (!info || n % 2 === 0) set(v);
      return info ? { type: 'info', error: 'timeout' } : { type: 'ok' };
    }
    const [from, to] = v as [unknown, unknown];
    if (cur !== from) return { type: 'fail', error: 'cas mismatch' };
    set(to);
    return { type: 'ok' };
  };
}

function run(seed: number, o: { opsPerKey: number; threadsPerKey: number; concurrency: number; steps: number; complete?: (op: Op) => SimCompletion }): Op[] {
  return simulate(clients(registerOps({ opsPerKey: o.opsPerKey, threadsPerKey: o.threadsPerKey })), {
    seed,
    concurrency: o.concurrency,
    steps: o.steps,
    // Varied latencies so threads interleave and groups run concurrently.
    latencyNs: (op, thread) => 1_000_000 * (1 + ((Number(thread) * 7 + op.time) % 5)),
    complete: o.complete ?? atomicStore(),
  });
}

function countsByKey(history: readonly Op[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const op of invokes(history)) m.set(keyOf(op), (m.get(keyOf(op)) ?? 0) + 1);
  return m;
}

/** Per key, the ops that count against it: invocations less those that failed. */
function countedByKey(history: readonly Op[]): Map<string, number> {
  const m = countsByKey(history);
  for (const op of history) if (op.type === 'fail') m.set(keyOf(op), m.get(keyOf(op))! - 1);
  return m;
}

describe('register ops on rotating keys', () => {
  it('never issues more than opsPerKey ops that did not fail on a key, and retires a key exactly there (seeds 1–20)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      // Every op ok: then every invocation counts.
      const h = run(seed, { opsPerKey: 25, threadsPerKey: 5, concurrency: 10, steps: 600, complete: () => ({ type: 'ok' }) });
      const counts = countsByKey(h);
      expect(invokes(h)).toHaveLength(600);
      expect(Math.max(...counts.values())).toBe(25);
      // 600 ops over 25-op keys: at least 24 keys, and at most two (the live ones) short of 25.
      expect(counts.size).toBeGreaterThanOrEqual(24);
      expect([...counts.values()].filter((n) => n < 25).length).toBeLessThanOrEqual(2);
      // Against a register store, whose cas ops fail when `from` is stale: fails are given back.
      const withFails = run(seed, { opsPerKey: 25, threadsPerKey: 5, concurrency: 10, steps: 600 });
      expect(withFails.some((o) => o.type === 'fail')).toBe(true);
      expect(Math.max(...countedByKey(withFails).values())).toBe(25);
      expect(Math.max(...countsByKey(withFails).values())).toBeGreaterThan(25);
    }
  });

  it('keeps a key through an outage: ops refused while the node is down do not use it up', () => {
    // Ops invoked between 20 and 60 ms of virtual time fail (connection refused): ~130 ops.
    const store = atomicStore();
    const down = (op: Op): SimCompletion => (op.time > 20 * 1_000_000 && op.time < 60 * 1_000_000 ? { type: 'fail', error: 'refused' } : store(op));
    const h = run(8, { opsPerKey: 25, threadsPerKey: 10, concurrency: 10, steps: 600, complete: down });
    const outage = invokes(h).filter((o) => o.time > 20 * 1_000_000 && o.time < 60 * 1_000_000);
    expect(outage.length).toBeGreaterThan(50);
    // Some key saw the whole outage and took ops after it: the reads after the restart go to
    // the key written before it.
    const key = keyOf(outage[0]!);
    expect(outage.every((o) => keyOf(o) === key)).toBe(true);
    expect(invokes(h).some((o) => keyOf(o) === key && o.time > 60 * 1_000_000)).toBe(true);
    expect(countsByKey(h).get(key)).toBeGreaterThan(25);
    expect(countedByKey(h).get(key)).toBeLessThanOrEqual(25);
  });

  it('gives each group of consecutive threads its own keys; groups work concurrently on different keys', () => {
    const h = run(3, { opsPerKey: 30, threadsPerKey: 5, concurrency: 10, steps: 400 });
    const groupOfKey = new Map<string, number>();
    for (const op of invokes(h)) {
      const g = keyGroupOf(Number(op.process) % 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5);
      expect(g).toBe(Number(op.process) % 10 < 5 ? 0 : 1);
      const seen = groupOfKey.get(keyOf(op));
      if (seen === undefined) groupOfKey.set(keyOf(op), g);
      else expect(seen, `key ${keyOf(op)} used by two groups`).toBe(g);
    }
    // Both groups had keys, and their ops interleave: while one group's key is live the
    // other group issues ops on a different key.
    expect(new Set(groupOfKey.values())).toEqual(new Set([0, 1]));
    const firstOps = invokes(h).slice(0, 40);
    expect(new Set(firstOps.map(keyOf)).size).toBe(2);
    // Every key is used from every thread position in its group, i.e. every node.
    const threadsOfKey = new Map<string, Set<number>>();
    for (const op of invokes(h)) {
      const s = threadsOfKey.get(keyOf(op)) ?? new Set<number>();
      s.add(Number(op.process) % 10);
      threadsOfKey.set(keyOf(op), s);
    }
    expect(Math.max(...[...threadsOfKey.values()].map((s) => s.size))).toBe(5);
  });

  it('splits threads into groups of at least threadsPerKey consecutive threads', () => {
    const threads = Array.from({ length: 10 }, (_, i) => i);
    expect(threads.map((t) => keyGroupOf(t, threads, 3))).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(threads.map((t) => keyGroupOf(t, threads, 9))).toEqual(threads.map(() => 0));
    expect(threads.map((t) => keyGroupOf(t, threads, 1))).toEqual(threads);
    // The workloads' choice: one worker per node, and never a key with a single worker.
    expect([1, 2, 3, 5, 9].map(threadsPerKeyFor)).toEqual([2, 2, 3, 5, 9]);
    expect(threads.map((t) => keyGroupOf(t, threads, threadsPerKeyFor(1)))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('writes and cas targets are unique per key, so a read names one write', () => {
    const h = run(5, { opsPerKey: 40, threadsPerKey: 5, concurrency: 10, steps: 800 });
    const written = new Map<string, unknown[]>();
    let cas = 0;
    for (const op of invokes(h)) {
      const [k, v] = op.value as Keyed;
      if (op.f === 'read') continue;
      const val = op.f === 'write' ? v : (v as [unknown, unknown])[1];
      if (op.f === 'cas') cas++;
      written.set(k, [...(written.get(k) ?? []), val]);
    }
    expect(cas).toBeGreaterThan(100);
    for (const [k, vals] of written) expect(new Set(vals).size, `values written to ${k}`).toBe(vals.length);
    // A read's value names one write: of its key, one write or cas target carried it.
    for (const op of h.filter((o) => o.type === 'ok' && o.f === 'read')) {
      const [k, v] = op.value as Keyed;
      if (v !== null) expect(written.get(k)!.filter((x) => x === v)).toHaveLength(1);
    }
  });

  it('takes cas `from` from what it last learnt of the key, so cas often succeeds', () => {
    const h = run(6, { opsPerKey: 150, threadsPerKey: 5, concurrency: 10, steps: 1500 });
    const done = h.filter((o) => o.type !== 'invoke' && o.f === 'cas');
    const ok = done.filter((o) => o.type === 'ok').length;
    // Measured: about half; a from drawn from a large space would almost never match.
    expect(ok / done.length).toBeGreaterThan(0.3);
  });

  it('final reads cover exactly the keys still live', () => {
    const h = run(7, { opsPerKey: 25, threadsPerKey: 5, concurrency: 10, steps: 537 });
    expect(h.some((o) => o.type === 'fail')).toBe(true);
    const counts = countedByKey(h);
    // The last key each group used is the live one (unless it was retired by its 25th op).
    const lastKeyOfGroup = new Map<number, string>();
    for (const op of invokes(h)) lastKeyOfGroup.set(Number(op.process) % 10 < 5 ? 0 : 1, keyOf(op));
    const expected = [...lastKeyOfGroup.values()].filter((k) => counts.get(k)! < 25);
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(liveKeys(h, 25))).toEqual(new Set(expected));
    expect(liveKeyFinalReads(h, 25)).toEqual(liveKeys(h, 25).map((k) => ({ f: 'read', value: [k, null] })));
    // Retired keys are never read again.
    for (const k of liveKeys(h, 25)) expect(counts.get(k)).toBeLessThan(25);
  });

  it('refuses a non-positive opsPerKey', () => {
    expect(() => registerOps({ opsPerKey: 0 })).toThrow(/opsPerKey must be a positive integer/);
  });
});

describe('the linearizability checker on rotated register histories', () => {
  it('a linearizable store (with info writes) is valid, every key checked with at most opsPerKey ops', async () => {
    const h = run(11, { opsPerKey: 50, threadsPerKey: 5, concurrency: 10, steps: 1000, complete: atomicStore({ infoEvery: 9 }) });
    expect(h.some((o) => o.type === 'info')).toBe(true);
    const r = await checkLinearizable(h, multiRegister, { workers: false });
    expect(r.valid).toBe(true);
    expect(r.partitions.length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...r.partitions.map((p) => p.opCount))).toBeLessThanOrEqual(50);
  });

  it('a store whose reads are sometimes one write behind is invalid, and the key is named', async () => {
    const h = run(12, { opsPerKey: 50, threadsPerKey: 5, concurrency: 10, steps: 1000, complete: atomicStore({ staleEvery: 23 }) });
    const r = await checkLinearizable(h, multiRegister, { workers: false });
    expect(r.valid).toBe(false);
    expect(r.invalidKeys[0]).toMatch(/^k\d+$/);
  });
});
