/**
 * `npm run bench:txn`: time and memory of the list-append checker on synthetic histories
 * of 10,000 and 100,000 transactions, from a simulated database that runs 10 clients
 * concurrently under snapshot isolation (reads from the snapshot taken at BEGIN, appends
 * installed at COMMIT, first committer wins on a key), the shape of the postgres workload's
 * histories: rotating keys, 1–4 micro-ops. Snapshot isolation allows write skew, so the
 * histories hold G2-item cycles for the checker to find. Figures only; nothing here fails.
 */
import type { Op } from '../src/core/op.js';
import { checkListAppend } from '../src/checkers/txn/list-append.js';

/** A small seeded PRNG (mulberry32), so every run checks the same histories. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mop = [string, number, unknown];

function simulate(txnCount: number, seed: number): Op[] {
  const rand = prng(seed);
  const committed = new Map<number, number[]>(); // key -> list
  const lastCommit = new Map<number, number>(); // key -> commit sequence number
  const keys = [0, 1, 2, 3, 4].map((k) => ({ k, n: 0 }));
  let nextKey = 5;
  let nextValue = 1;
  let seq = 0;
  const ops: Op[] = [];
  const emit = (o: Omit<Op, 'index' | 'time'>) => ops.push({ ...o, index: ops.length, time: ops.length } as Op);
  interface Open {
    process: number;
    mops: Mop[];
    snapshot: Map<number, number[]>;
    snapSeq: number;
    writes: Map<number, number[]>;
  }
  const open: (Open | undefined)[] = Array.from({ length: 10 }, () => undefined);
  let started = 0;
  while (started < txnCount || open.some(Boolean)) {
    const p = Math.floor(rand() * open.length);
    const t = open[p];
    if (!t) {
      if (started >= txnCount) continue;
      started++;
      const mops: Mop[] = [];
      for (let i = 0, len = 1 + Math.floor(rand() * 4); i < len; i++) {
        const slot = Math.floor(rand() * keys.length);
        const e = keys[slot]!;
        if (rand() < 0.5) mops.push(['r', e.k, null]);
        else {
          mops.push(['append', e.k, nextValue++]);
          if (++e.n >= 32) keys[slot] = { k: nextKey++, n: 0 };
        }
      }
      emit({ type: 'invoke', process: p, f: 'txn', value: mops });
      open[p] = { process: p, mops, snapshot: new Map([...committed].map(([k, v]) => [k, v])), snapSeq: seq, writes: new Map() };
      continue;
    }
    // Commit: reads see the snapshot plus the transaction's own appends.
    const done: Mop[] = t.mops.map(([f, k, v]) => {
      const mine = t.writes.get(k) ?? [...(t.snapshot.get(k) ?? [])];
      if (f === 'r') return ['r', k, [...mine]];
      mine.push(v as number);
      t.writes.set(k, mine);
      return ['append', k, v];
    });
    const conflict = [...t.writes.keys()].some((k) => (lastCommit.get(k) ?? -1) > t.snapSeq);
    if (conflict) emit({ type: 'fail', process: p, f: 'txn', value: t.mops, error: 'first committer wins' });
    else {
      seq++;
      for (const [k] of t.writes) {
        const appended = t.mops.filter(([f, kk]) => f === 'append' && kk === k).map(([, , v]) => v as number);
        committed.set(k, [...(committed.get(k) ?? []), ...appended]);
        lastCommit.set(k, seq);
      }
      emit({ type: 'ok', process: p, f: 'txn', value: done });
    }
    open[p] = undefined;
  }
  return ops;
}

for (const n of [10_000, 100_000]) {
  const history = simulate(n, 42);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = checkListAppend(history);
  const ms = performance.now() - t0;
  const rss = (process.memoryUsage().rss - rss0) / 2 ** 20;
  console.log(
    `${String(n).padStart(7)} txns (${history.length} ops): ${ms.toFixed(0).padStart(5)} ms, +${rss.toFixed(0)} MiB RSS, ${r.edgeCount} edges, anomalies: ${r.anomalyTypes.join(', ') || 'none'}`,
  );
}
