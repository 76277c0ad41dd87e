/**
 * Consistency models: the table itself (implications, what each forbids, which edges each
 * needs) and the list-append checker's verdicts at each model boundary, on hand-built
 * histories whose timing is explicit (which transactions overlap, which client ran them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONSISTENCY_MODELS,
  MODEL_SPECS,
  forbiddenBy,
  impliedModels,
  judgeModels,
  modelsTable,
  ordersOf,
  type ConsistencyModel,
} from '../../src/checkers/txn/consistency-models.js';
import { checkListAppend, type MicroOp } from '../../src/checkers/txn/list-append.js';
import type { Op } from '../../src/core/op.js';

interface T {
  process: number;
  type?: 'ok' | 'info' | 'fail';
  mops: MicroOp[];
}

/**
 * A history from transactions and the order of their events: `+n` invokes transaction n,
 * `-n` completes it. Reads are blank in the invocation and filled in at completion.
 */
function history(txns: readonly T[], events: readonly string[]): Op[] {
  const ops: Op[] = [];
  for (const ev of events) {
    const t = txns[Number(ev.slice(1))]!;
    const blank = t.mops.map(([f, k, v]) => (f === 'r' ? ['r', k, null] : [f, k, v]));
    const type = ev.startsWith('+') ? 'invoke' : (t.type ?? 'ok');
    ops.push({ index: ops.length, type, process: t.process, f: 'txn', value: type === 'ok' ? t.mops : blank, time: ops.length });
  }
  return ops;
}
/** Each transaction alone, one after another. */
const serial = (n: number) => Array.from({ length: n }, (_, i) => [`+${i}`, `-${i}`]).flat();
const a = (k: string, v: number): MicroOp => ['append', k, v];
const r = (k: string, v: number[]): MicroOp => ['r', k, v];

const check = (h: Op[], m: ConsistencyModel) => checkListAppend(h, { consistencyModel: m });

describe('the model table', () => {
  it('knows the ten models, each once', () => {
    expect(MODEL_SPECS.map((s) => s.name)).toEqual([...CONSISTENCY_MODELS]);
  });

  it('says which edges each model needs, and that agrees with what it forbids', () => {
    for (const s of MODEL_SPECS) {
      const orders = ordersOf(s.name);
      expect(orders.includes('process'), s.name).toBe(s.session);
      expect(orders.includes('realtime'), s.name).toBe(s.realtime);
    }
    expect(MODEL_SPECS.filter((s) => s.session).map((s) => s.name)).toEqual([
      'strong-session-snapshot-isolation',
      'strong-session-serializable',
      'strong-snapshot-isolation',
      'strict-serializable',
    ]);
    expect(MODEL_SPECS.filter((s) => s.realtime).map((s) => s.name)).toEqual(['strong-snapshot-isolation', 'strict-serializable']);
  });

  it('a stronger model forbids everything a weaker one it implies forbids', () => {
    for (const m of CONSISTENCY_MODELS) {
      for (const weaker of impliedModels(m)) {
        const missing = [...forbiddenBy(weaker)].filter((x) => !forbiddenBy(m).has(x));
        expect(missing, `${m} ⇒ ${weaker}`).toEqual([]);
      }
    }
  });

  it('places the classic anomalies where Adya and Elle do', () => {
    const f = (m: ConsistencyModel) => forbiddenBy(m);
    expect(f('read-uncommitted').has('G0')).toBe(true);
    expect(f('read-uncommitted').has('G1c')).toBe(false);
    expect(f('read-committed').has('G1c')).toBe(true);
    expect(f('read-committed').has('G-single-item')).toBe(false);
    expect(f('snapshot-isolation').has('G-single-item')).toBe(true);
    expect(f('snapshot-isolation').has('G-nonadjacent-item')).toBe(true);
    expect(f('snapshot-isolation').has('G2-item')).toBe(false);
    expect(f('repeatable-read').has('G2-item')).toBe(true);
    expect(f('repeatable-read').has('lost-update')).toBe(true);
    expect(f('serializable').has('G2-item')).toBe(true);
    expect(f('serializable').has('G-single-item-realtime')).toBe(false);
    expect(f('serializable').has('G2-item-process')).toBe(false);
    expect(f('strong-session-serializable').has('G2-item-process')).toBe(true);
    expect(f('strong-session-serializable').has('G2-item-realtime')).toBe(false);
    expect(f('strong-session-snapshot-isolation').has('G-single-item-process')).toBe(true);
    expect(f('strong-session-snapshot-isolation').has('G2-item-process')).toBe(false);
    expect(f('strong-snapshot-isolation').has('G-single-item-realtime')).toBe(true);
    expect(f('strong-snapshot-isolation').has('G2-item-realtime')).toBe(false);
    expect(f('strict-serializable').has('G2-item-realtime')).toBe(true);
  });

  it('names what anomalies rule out and the strongest models left', () => {
    expect(judgeModels([])).toEqual({ ruledOut: [], weakestRuledOut: [], strongestConsistent: ['strict-serializable'], undecided: [] });
    const skew = judgeModels(['G2-item']);
    expect(skew.weakestRuledOut).toEqual(['repeatable-read']);
    expect(skew.ruledOut).toEqual(['repeatable-read', 'serializable', 'strong-session-serializable', 'strict-serializable']);
    expect(skew.strongestConsistent).toEqual(['strong-snapshot-isolation']);
    expect(judgeModels(['G0']).strongestConsistent).toEqual([]);
    // Monotonic atomic view adds nothing detectable to read committed: never claimed kept,
    // unless a model that implies it holds.
    expect(judgeModels(['G-single-item'])).toMatchObject({ strongestConsistent: ['read-committed'], undecided: ['monotonic-atomic-view'] });
    expect(judgeModels(['G1c']).ruledOut).toContain('monotonic-atomic-view');
    expect(judgeModels(['G-single-item-realtime']).strongestConsistent).toEqual(['strong-session-serializable']);
    // An anomaly the search could not rule out leaves the models it would break undecided.
    const maybe = judgeModels([], ['G2-item-realtime']);
    expect(maybe.undecided).toEqual(['strict-serializable']);
    expect(maybe.strongestConsistent).toEqual(['strong-session-serializable', 'strong-snapshot-isolation']);
  });

  it('writes the README table from the same entries', () => {
    const t = modelsTable();
    expect(t.split('\n')).toHaveLength(2 + CONSISTENCY_MODELS.length);
    expect(t).toMatch(/\| `snapshot-isolation` \(PL-SI\) \| `monotonic-atomic-view` \| `internal`, `G1`, `G-nonadjacent`, `lost-update` \| data \|/);
  });
});

describe('list-append verdicts at each model boundary', () => {
  // Write skew: two overlapping transactions each miss the other's append.
  const skewTxns: T[] = [
    { process: 0, mops: [r('x', []), r('y', []), a('x', 1)] },
    { process: 1, mops: [r('x', []), r('y', []), a('y', 1)] },
    { process: 2, mops: [r('x', [1]), r('y', [1])] },
  ];
  const skew = history(skewTxns, ['+0', '+1', '-0', '-1', '+2', '-2']);

  it('G2-item (write skew) is valid under snapshot isolation, invalid under repeatable read and serializable', () => {
    const si = check(skew, 'snapshot-isolation');
    expect(si.valid).toBe(true);
    expect(si.anomalyTypes).toEqual(['G2-item']);
    expect(si.forbiddenAnomalyTypes).toEqual([]);
    expect(si.strongestConsistentModels).toEqual(['strong-snapshot-isolation']);
    expect(si.weakestModelsRuledOut).toEqual(['repeatable-read']);
    expect(si.messages[0]).toMatch(/^G2-item ×1 \(allowed by snapshot-isolation\), e\.g\. G2-item cycle: /);
    const ser = check(skew, 'serializable');
    expect(ser.valid).toBe(false);
    expect(ser.forbiddenAnomalyTypes).toEqual(['G2-item']);
    expect(check(skew, 'repeatable-read').valid).toBe(false);
    expect(check(skew, 'strong-snapshot-isolation').valid).toBe(true);
    expect(check(skew, 'strict-serializable').valid).toBe(false);
  });

  it('G-single-item (read skew) is invalid under snapshot isolation and repeatable read, valid under read committed', () => {
    // T0 appends to x and y together; T1, overlapping it, sees y's append and not x's.
    const txns: T[] = [
      { process: 0, mops: [a('x', 1), a('y', 1)] },
      { process: 1, mops: [r('x', []), r('y', [1])] },
      { process: 2, mops: [r('x', [1])] },
    ];
    const h = history(txns, ['+0', '+1', '-0', '-1', '+2', '-2']);
    expect(check(h, 'read-committed').valid).toBe(true);
    expect(check(h, 'monotonic-atomic-view').valid).toBe('unknown');
    expect(check(h, 'snapshot-isolation').forbiddenAnomalyTypes).toEqual(['G-single-item']);
    expect(check(h, 'repeatable-read').valid).toBe(false);
    expect(check(h, 'read-committed').strongestConsistentModels).toEqual(['read-committed']);
  });

  it('G-nonadjacent-item: two rw edges never adjacent is forbidden by snapshot isolation', () => {
    // T0 -rw-> T1 -wr-> T2 -rw-> T3 -wr-> T0, all overlapping.
    const txns: T[] = [
      { process: 0, mops: [r('x', []), r('w', [4])] },
      { process: 1, mops: [a('x', 1), a('y', 2)] },
      { process: 2, mops: [r('y', [2]), r('z', [])] },
      { process: 3, mops: [a('z', 3), a('w', 4)] },
      { process: 4, mops: [r('x', [1]), r('z', [3])] },
    ];
    const h = history(txns, ['+0', '+1', '+2', '+3', '-0', '-1', '-2', '-3', '+4', '-4']);
    const res = check(h, 'snapshot-isolation');
    expect(res.anomalyTypes).toEqual(['G-nonadjacent-item']);
    expect(res.valid).toBe(false);
    expect(check(h, 'read-committed').valid).toBe(true);
  });

  it('G1c is invalid under read committed, valid under read uncommitted; G0 under nothing', () => {
    const g1c = history(
      [
        { process: 0, mops: [a('x', 1), r('y', [1])] },
        { process: 1, mops: [a('y', 1), r('x', [1])] },
      ],
      ['+0', '+1', '-0', '-1'],
    );
    expect(check(g1c, 'read-uncommitted').valid).toBe(true);
    expect(check(g1c, 'read-committed').forbiddenAnomalyTypes).toEqual(['G1c']);
    const g0 = history(
      [
        { process: 0, mops: [a('x', 1), a('y', 1)] },
        { process: 1, mops: [a('x', 2), a('y', 2)] },
        { process: 2, mops: [r('x', [1, 2]), r('y', [2, 1])] },
      ],
      ['+0', '+1', '-0', '-1', '+2', '-2'],
    );
    expect(check(g0, 'read-uncommitted').forbiddenAnomalyTypes).toEqual(['G0']);
    expect(check(g0, 'read-uncommitted').strongestConsistentModels).toEqual([]);
  });

  // A stale read: T0 committed its append before T1 began, yet T1 read the key empty.
  const staleTxns = (sameClient: boolean): T[] => [
    { process: 0, mops: [a('x', 1)] },
    { process: sameClient ? 0 : 1, mops: [r('x', [])] },
    { process: 2, mops: [r('x', [1])] },
  ];

  it('a cycle only realtime order closes: valid under serializable and strong session serializable, invalid under strict serializable', () => {
    const h = history(staleTxns(false), serial(3));
    const strict = check(h, 'strict-serializable');
    expect(strict.anomalyTypes).toEqual(['G-single-item-realtime']);
    expect(strict.valid).toBe(false);
    // Transactions are named by the index of their completion in the history.
    expect(strict.anomalies[0]!.message).toMatch(/^G-single-item-realtime cycle: T1 completed before the invocation of T3 \(realtime\); T3 read a version overwritten by T1 \(rw on x\)$/);
    expect(check(h, 'serializable').valid).toBe(true);
    expect(check(h, 'strong-session-serializable').valid).toBe(true);
    expect(check(h, 'strong-snapshot-isolation').valid).toBe(false);
    expect(strict.strongestConsistentModels).toEqual(['strong-session-serializable']);
  });

  it('a cycle one client\'s order closes: valid under serializable, invalid under strong session serializable and strong session SI', () => {
    const h = history(staleTxns(true), serial(3));
    const res = check(h, 'strong-session-serializable');
    expect(res.anomalyTypes).toEqual(['G-single-item-process']);
    expect(res.valid).toBe(false);
    expect(res.anomalies[0]!.message).toMatch(/ran before, in the same client,/);
    expect(check(h, 'serializable').valid).toBe(true);
    expect(check(h, 'strong-session-snapshot-isolation').valid).toBe(false);
    expect(res.strongestConsistentModels).toEqual(['serializable']);
  });

  it('an indeterminate transaction orders nothing after it: its append may have landed later', () => {
    const txns = staleTxns(true);
    txns[0] = { ...txns[0]!, type: 'info' };
    const h = history(txns, serial(3));
    const res = check(h, 'strict-serializable');
    expect(res.anomalyTypes).toEqual([]);
    expect(res.valid).toBe(true);
  });

  it('a failed transaction is no node of any order', () => {
    const h = history(
      [
        { process: 0, type: 'fail', mops: [a('x', 1)] },
        { process: 0, mops: [r('x', [])] },
      ],
      serial(2),
    );
    expect(check(h, 'strict-serializable').valid).toBe(true);
  });

  it('overlapping transactions have no realtime order', () => {
    const h = history(staleTxns(false), ['+0', '+1', '-0', '-1', '+2', '-2']);
    expect(check(h, 'strict-serializable').valid).toBe(true);
  });

  it('defaults to serializable and refuses an unknown model', () => {
    expect(checkListAppend(skew).consistencyModel).toBe('serializable');
    expect(() => checkListAppend(skew, { consistencyModel: 'linearizable' as ConsistencyModel })).toThrow(/unknown consistency model "linearizable"; models: read-uncommitted, /);
  });
});

/**
 * A small snapshot-isolation database: each transaction reads the snapshot taken when it
 * was invoked plus its own appends, and commits at its completion unless a key it appends
 * to was committed since its snapshot (first committer wins; then it fails). Clients run
 * one transaction at a time; `steps` picks which client acts next, or with `serial` the
 * open transaction completes before any other begins.
 */
function simulateSi(
  plan: { client: number; mops: ['append' | 'r', string][] }[],
  steps: number[],
  serial = false,
  // A broken database: snapshots up to `lag[i]` commits old, and no write-conflict check.
  broken?: { lag: number[] },
): Op[] {
  const committed = new Map<string, number[]>();
  const states: Map<string, number[]>[] = [new Map()];
  const lastCommit = new Map<string, number>();
  let clock = 0;
  let value = 1;
  const ops: Op[] = [];
  const open = new Map<number, { mops: MicroOp[]; snapshot: Map<string, number[]>; at: number }>();
  const queue = new Map<number, { mops: ['append' | 'r', string][] }[]>();
  for (const p of plan) queue.set(p.client, [...(queue.get(p.client) ?? []), p]);
  const emit = (type: Op['type'], process: number, v: unknown) => ops.push({ index: ops.length, type, process, f: 'txn', value: v, time: ops.length });
  let s = 0;
  while ([...queue.values()].some((q) => q.length) || open.size) {
    const clients = [...new Set([...queue.keys(), ...open.keys()])].filter((c) => open.has(c) || queue.get(c)!.length);
    const c = serial && open.size ? [...open.keys()][0]! : clients[steps[s++ % steps.length]! % clients.length]!;
    const t = open.get(c);
    if (!t) {
      const next = queue.get(c)!.shift()!;
      const mops: MicroOp[] = next.mops.map(([f, k]) => (f === 'r' ? ['r', k, null] : ['append', k, value++]));
      emit('invoke', c, mops);
      const lag = broken ? broken.lag[s % broken.lag.length]! : 0;
      const base = broken ? states[Math.max(0, states.length - 1 - lag)]! : committed;
      open.set(c, { mops, snapshot: new Map([...base].map(([k, v]) => [k, [...v]])), at: clock });
      continue;
    }
    open.delete(c);
    const mine = new Map(t.snapshot);
    const done: MicroOp[] = t.mops.map(([f, k, v]) => {
      const list = [...(mine.get(k as string) ?? [])];
      if (f === 'r') return ['r', k, list];
      mine.set(k as string, [...list, v as number]);
      return ['append', k, v];
    });
    const written = [...new Set(t.mops.filter(([f]) => f === 'append').map(([, k]) => k as string))];
    if (!broken && written.some((k) => (lastCommit.get(k) ?? -1) >= t.at)) {
      emit('fail', c, t.mops);
      continue;
    }
    clock++;
    for (const k of written) {
      // A broken database installs the transaction's appends on top of what is there now.
      const appended = t.mops.filter(([f, kk]) => f === 'append' && kk === k).map(([, , v]) => v as number);
      committed.set(k, broken ? [...(committed.get(k) ?? []), ...appended] : mine.get(k)!);
      lastCommit.set(k, clock);
    }
    states.push(new Map([...committed].map(([k, v]) => [k, [...v]])));
    emit('ok', c, done);
  }
  return ops;
}

describe('properties', () => {

  const plans = fc.array(
    fc.record({
      client: fc.integer({ min: 0, max: 3 }),
      mops: fc.array(fc.tuple(fc.constantFrom<'append' | 'r'>('append', 'r'), fc.constantFrom('x', 'y', 'z')), { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 14 },
  );

  it('every history of a snapshot-isolation database keeps strong snapshot isolation; what it shows beyond is write skew', () => {
    let skewSeen = 0;
    fc.assert(
      fc.property(plans, fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (plan, steps) => {
        const h = simulateSi(plan, steps);
        const res = checkListAppend(h, { consistencyModel: 'strong-snapshot-isolation' });
        expect(res.forbiddenAnomalyTypes, JSON.stringify(h)).toEqual([]);
        expect(res.valid).toBe(true);
        for (const t of res.anomalyTypes) expect(t).toMatch(/^G2-item(-process|-realtime)?$/);
        if (res.anomalyTypes.length) skewSeen++;
      }),
      { numRuns: 600, seed: 17 },
    );
    // The property must meet the anomaly it allows, or it says little.
    expect(skewSeen).toBeGreaterThan(0);
  });

  it('transactions one at a time, clients reused, are strict serializable', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const h = simulateSi(plan, [0], true);
        expect(h.every((o, i) => (i % 2 === 0) === (o.type === 'invoke'))).toBe(true);
        const res = checkListAppend(h, { consistencyModel: 'strict-serializable' });
        expect(res.anomalyTypes, JSON.stringify(h)).toEqual([]);
        expect(res.strongestConsistentModels).toEqual(['strict-serializable']);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('in the report', () => {
  it('an anomaly the model allows is a finding, not a violation row', async () => {
    const { collectViolations } = await import('../../src/report/violations.js');
    const txns: T[] = [
      { process: 0, mops: [r('x', []), r('y', []), a('x', 1)] },
      { process: 1, mops: [r('x', []), r('y', []), a('y', 1)] },
      { process: 2, mops: [r('x', [1]), r('y', [1])] },
    ];
    const h = history(txns, ['+0', '+1', '-0', '-1', '+2', '-2']);
    const si = check(h, 'snapshot-isolation');
    expect(si.anomalies.map((x) => [x.kind, x.allowed])).toEqual([['G2-item', true]]);
    expect(collectViolations({ 'list-append': si }).violations).toEqual([]);
    const ser = check(h, 'serializable');
    expect(ser.anomalies[0]!.allowed).toBeUndefined();
    expect(collectViolations({ 'list-append': ser }).violations.map((v) => v.kind)).toEqual(['G2-item']);
  });
});

describe('a search cut short', () => {
  it('leaves the shapes it could not rule out possible, and the models they would break undecided', async () => {
    const { DependencyGraph, searchCycles } = await import('../../src/checkers/txn/dependency-graph.js');
    // A ring of 100 anti-dependencies: write skew only, but the single-rw search gives up
    // after its 64 start nodes without having looked everywhere.
    const g = new DependencyGraph();
    for (let i = 0; i < 100; i++) g.add(i, (i + 1) % 100, 'rw', `k${i}`);
    const res = searchCycles(g, { orders: ['data'] });
    expect(res.cycles.map((c) => c.anomaly)).toEqual(['G2-item']);
    expect(res.possible).toEqual(['G-single-item', 'G-nonadjacent-item']);
    const v = judgeModels(['G2-item'], res.possible);
    expect(v.undecided).toContain('snapshot-isolation');
    expect(v.strongestConsistent).toEqual(['read-committed']);
    // A ring of 10 is searched to the end: nothing possible, snapshot isolation kept.
    const small = new DependencyGraph();
    for (let i = 0; i < 10; i++) small.add(i, (i + 1) % 10, 'rw', `k${i}`);
    expect(searchCycles(small, { orders: ['data'] }).possible).toEqual([]);
  });
});

describe('brute-force oracle', () => {
  /**
   * Whether some serial order of the committed transactions (and any subset of the
   * indeterminate ones) gives every committed read exactly what it returned; with
   * `realtime`, an order in which a transaction that completed before another was invoked
   * comes first.
   */
  function serializable(h: Op[], realtime: boolean): boolean {
    interface X { mops: MicroOp[]; ok: boolean; inv: number; done: number }
    const inv = new Map<unknown, number>();
    const xs: X[] = [];
    for (const o of h) {
      if (o.type === 'invoke') inv.set(o.process, o.index);
      else if (o.type !== 'fail') xs.push({ mops: o.value as MicroOp[], ok: o.type === 'ok', inv: inv.get(o.process)!, done: o.type === 'ok' ? o.index : Infinity });
    }
    const maybe = xs.filter((x) => !x.ok);
    for (let mask = 0; mask < 1 << maybe.length; mask++) {
      const chosen = xs.filter((x) => x.ok || (mask >> maybe.indexOf(x)) & 1);
      const used = new Set<X>();
      const order: X[] = [];
      const search = (): boolean => {
        if (order.length === chosen.length) return replay(order);
        for (const x of chosen) {
          if (used.has(x)) continue;
          // Every unplaced transaction that completed before x was invoked must go first.
          if (realtime && chosen.some((y) => !used.has(y) && y !== x && y.done < x.inv)) continue;
          used.add(x);
          order.push(x);
          if (search()) return true;
          order.pop();
          used.delete(x);
        }
        return false;
      };
      if (search()) return true;
    }
    return false;
  }
  function replay(order: readonly { mops: MicroOp[]; ok: boolean }[]): boolean {
    const state = new Map<unknown, unknown[]>();
    for (const t of order) {
      for (const [f, k, v] of t.mops) {
        const list = state.get(k) ?? [];
        if (f === 'append') state.set(k, [...list, v]);
        else if (t.ok && JSON.stringify(v) !== JSON.stringify(list)) return false;
      }
    }
    return true;
  }

  const small = fc.array(
    fc.record({
      client: fc.integer({ min: 0, max: 2 }),
      mops: fc.array(fc.tuple(fc.constantFrom<'append' | 'r'>('append', 'r'), fc.constantFrom('x', 'y')), { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 2, maxLength: 6 },
  );

  it('every anomaly reported under serializable and strict serializable is real: no serial order explains the history', () => {
    const seen = { serializable: 0, strict: 0 };
    fc.assert(
      fc.property(small, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 6 }), (plan, steps, lag) => {
        const h = simulateSi(plan, steps, false, { lag });
        for (const [model, realtime, key] of [['serializable', false, 'serializable'], ['strict-serializable', true, 'strict']] as const) {
          const res = checkListAppend(h, { consistencyModel: model });
          if (res.valid === false) {
            seen[key]++;
            expect(serializable(h, realtime), `${model}: ${res.forbiddenAnomalyTypes.join(', ')} in ${JSON.stringify(h)}`).toBe(false);
          }
        }
      }),
      { numRuns: 1500, seed: 23 },
    );
    // The generator must produce violations of both, or the oracle checks nothing.
    expect(seen.serializable).toBeGreaterThan(20);
    expect(seen.strict).toBeGreaterThan(seen.serializable);
  });
});
