/**
 * A synthetic run directory for report tests and bench:report: N client ops on 5 keys from 10 processes,
 * faults of three kinds, some fail and info outcomes, a value that is an HTML injection
 * attempt, and a results.json whose invalid key points at real ops of the history.
 * Deterministic (own LCG), so sizes and timings are comparable between runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Op } from '../src/core/op.js';

export const EVIL = '<script>alert(1)</script>';

export interface Synthetic {
  dir: string;
  ops: Op[];
  /** Invocation index of the op the explanation says cannot be placed. */
  blockingIndex: number;
}

export function writeSyntheticRun(dir: string, clientOps: number, opts: { evilKey?: boolean } = {}): Synthetic {
  mkdirSync(join(dir, 'nodes'), { recursive: true });
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ops: Op[] = [];
  const push = (o: Omit<Op, 'index'>) => ops.push({ index: ops.length, ...o } as Op);
  const procs = 10;
  const durationNs = Math.max(10e9, clientOps * 2e6); // ~500 ops/s, at least 10 s
  const faults = [
    { f: 'start-partition', value: { shape: 'halves', grudge: { n1: ['n2', 'n3', 'n4', 'n5'], n2: ['n1'], n3: ['n1'], n4: ['n1'], n5: ['n1'] } }, stop: 'stop-partition' },
    { f: 'kill', value: ['n3'], stop: 'start' },
    { f: 'pause', value: ['n2'], stop: 'resume' },
  ];
  const faultAt = (i: number) => ({ start: ((2 * i + 1) * durationNs) / 8, end: ((2 * i + 2) * durationNs) / 8 });
  let nextFault = 0;
  let faultOpen = false;
  const keys = ['k0', 'k1', 'k2', 'k3', opts.evilKey ? EVIL : 'k4'];
  let blockingIndex = -1;
  const busyUntil: number[] = new Array<number>(procs).fill(0);
  const prefix: number[] = [];
  for (let i = 0; i < clientOps; i++) {
    const t = (i / clientOps) * durationNs;
    // Nemesis ops interleave with client ops at their scheduled times.
    if (nextFault < faults.length) {
      const w = faultAt(nextFault);
      if (!faultOpen && t >= w.start) {
        const fl = faults[nextFault]!;
        push({ type: 'invoke', process: 'nemesis', f: fl.f, value: fl.value, time: t });
        push({ type: 'ok', process: 'nemesis', f: fl.f, value: fl.value, time: t + 1e6 });
        faultOpen = true;
      } else if (faultOpen && t >= w.end) {
        const fl = faults[nextFault]!;
        push({ type: 'invoke', process: 'nemesis', f: fl.stop, value: 'all', time: t });
        push({ type: 'ok', process: 'nemesis', f: fl.stop, value: 'all', time: t + 1e6 });
        faultOpen = false;
        nextFault++;
      }
    }
    // A process runs one op at a time: take the next free one, or skip this slot.
    let process = -1;
    for (let k = 0; k < procs; k++) {
      const p = (i + k) % procs;
      if (busyUntil[p]! <= t) {
        process = p;
        break;
      }
    }
    if (process < 0) continue;
    const key = keys[Math.floor(rnd() * keys.length)]!;
    const r = rnd();
    const f = r < 0.5 ? 'read' : r < 0.8 ? 'write' : 'cas';
    const v = Math.floor(rnd() * 5);
    const value = f === 'read' ? [key, null] : f === 'write' ? [key, i === 7 ? EVIL : v] : [key, [v, (v + 1) % 5]];
    const inFault = faultOpen;
    const latency = (inFault ? 5 + rnd() * 400 : 0.3 + rnd() * rnd() * 20) * 1e6;
    const o = rnd();
    const type = o < (inFault ? 0.25 : 0.03) ? 'fail' : o < (inFault ? 0.3 : 0.035) ? 'info' : 'ok';
    busyUntil[process] = t + latency;
    const inv = ops.length;
    push({ type: 'invoke', process, f, value, time: t, node: `n${(process % 5) + 1}` });
    const result = f === 'read' && type === 'ok' ? [key, v] : value;
    const done: Omit<Op, 'index'> = { type, process, f, value: result, time: t + latency, node: `n${(process % 5) + 1}` };
    if (type !== 'ok') done.error = type === 'fail' ? 'refused: <b>not leader</b>' : 'timeout';
    push(done);
    if (key === 'k0' && type === 'ok' && blockingIndex < 0) {
      if (prefix.length < 30) prefix.push(inv);
      else if (f === 'read') blockingIndex = inv;
    }
  }
  // Completions were pushed right after their invocations: order by time, as a real
  // history is, keeping each op's invoke before its completion, then renumber.
  const sorted = ops.map((o, i) => ({ o, i })).sort((a, b) => a.o.time - b.o.time || a.i - b.i);
  const renumber = new Map<number, number>();
  sorted.forEach(({ o }, i) => {
    renumber.set(o.index, i);
    o.index = i;
  });
  const history = sorted.map(({ o }) => o);
  const blocking = renumber.get(blockingIndex) ?? 0;
  const results = {
    valid: false,
    linearizability: {
      valid: false,
      model: 'keyed-cas-register',
      partitions: [
        { key: 'k0', valid: false, opCount: 100, explanation: { prefix: prefix.map((p) => renumber.get(p)!), states: ['3', EVIL], next: [{ index: blocking, op: `k0: read ${EVIL}` }], blocking: { index: blocking, op: `k0: read ${EVIL}` }, message: `not linearizable: ${EVIL}` } },
        { key: 'k1', valid: 'unknown', opCount: 100, reason: 'skipped' },
      ],
      invalidKeys: ['k0'],
    },
    perf: { valid: true, ops: clientOps, durationSeconds: durationNs / 1e9, okPerSecond: 1, byFunction: { read: { count: 1, ok: 1, fail: 0, info: 0, p50: 1, p95: 2, p99: 3, max: 4 } } },
    historyOps: history.length,
    truncated: false,
    checkMs: 12,
  };
  writeFileSync(join(dir, 'history.jsonl'), history.map((o) => JSON.stringify(o)).join('\n') + '\n');
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
  writeFileSync(
    join(dir, 'test.json'),
    JSON.stringify({ runId: 'abc123', startedAt: '2026-11-26T07:00:00.000Z', endedAt: '2026-11-26T07:00:20.000Z', replay: `npm run test:jepsen -- register --seed 42 ${EVIL}`, options: { workload: 'register', variant: 'naive', seed: 42, nodes: 5, concurrency: 10, note: EVIL }, schedule: [] }),
  );
  writeFileSync(join(dir, 'nodes', 'n1.log'), `started\n${EVIL}\n`);
  return { dir, ops: history, blockingIndex: blocking };
}
