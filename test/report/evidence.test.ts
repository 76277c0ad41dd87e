/**
 * How strong a VALID is (report/evidence.ts), and the summary that prints it: ops per key,
 * the share of indeterminate ops and fault windows during client traffic, measured from
 * the history; a weak run says why in words.
 */
import { describe, expect, it } from 'vitest';
import type { Op } from '../../src/core/op.js';
import type { TestOptions } from '../../src/core/test.js';
import { evidenceOf } from '../../src/report/evidence.js';
import type { RunData } from '../../src/report/load-run.js';
import { summary } from '../../src/report/summary.js';
import { summarize } from '../../src/run/check.js';

type Outcome = 'ok' | 'fail' | 'info';

/**
 * A history of `n` register ops, one at a time on process `i mod 10` (an `info` moves the
 * worker to a new process), `perKey` ops per key, ending as `outcome(i)` says; with a
 * partition from op `faultFrom` to op `faultTo` when given.
 */
function history(n: number, perKey: number, outcome: (i: number) => Outcome, fault?: { from: number; to: number }): Op[] {
  const out: Op[] = [];
  const push = (o: Omit<Op, 'index'>) => out.push({ index: out.length, ...o });
  const proc = Array.from({ length: 10 }, (_, t) => t);
  for (let i = 0; i < n; i++) {
    if (fault && i === fault.from) {
      push({ type: 'invoke', process: 'nemesis', f: 'start-partition', value: 'majority', time: i * 10 });
      push({ type: 'info', process: 'nemesis', f: 'start-partition', value: [['n1'], ['n2']], time: i * 10 + 1 });
    }
    if (fault && i === fault.to) {
      push({ type: 'invoke', process: 'nemesis', f: 'stop-partition', value: null, time: i * 10 });
      push({ type: 'info', process: 'nemesis', f: 'stop-partition', value: null, time: i * 10 + 1 });
    }
    const t = i % 10;
    const key = `k${Math.floor(i / perKey)}`;
    const f = i % 2 ? 'write' : 'read';
    const value = f === 'write' ? [key, i] : [key, null];
    push({ type: 'invoke', process: proc[t]!, f, value, time: i * 10 + 2 });
    const type = outcome(i);
    push({ type, process: proc[t]!, f, value, time: i * 10 + 5 });
    if (type === 'info') proc[t]! += 10;
  }
  return out;
}

describe('evidence of a run', () => {
  it('a run with many ops per key, few indeterminate ops and faults during traffic is adequate', () => {
    const e = evidenceOf(history(600, 150, (i) => (i % 50 === 7 ? 'info' : 'ok'), { from: 100, to: 200 }));
    expect(e).toMatchObject({
      strength: 'adequate',
      weaknesses: [],
      clientOps: 600,
      indeterminate: 12,
      indeterminateShare: 0.02,
      keys: 4,
      opsPerKey: { median: 150, max: 150 },
      faultWindows: 1,
      faultWindowsWithTraffic: 1,
    });
  });

  it('says why a run is weak: indeterminate ops, too few ops per key, faults that met no traffic', () => {
    const e = evidenceOf(history(400, 5, (i) => (i % 100 < 62 ? 'info' : 'ok')));
    expect(e.strength).toBe('weak');
    expect(e.indeterminateShare).toBe(0.62);
    expect(e.weaknesses).toEqual(['62% of ops indeterminate', 'no faults', 'a median of 5 ops per key']);
    // A fault while no client op was invoked is no test of fault tolerance.
    const idle = history(300, 150, () => 'ok');
    const lastTime = idle[idle.length - 1]!.time;
    idle.push({ index: idle.length, type: 'invoke', process: 'nemesis', f: 'start-partition', value: 'majority', time: lastTime + 10 });
    idle.push({ index: idle.length, type: 'info', process: 'nemesis', f: 'start-partition', value: [['n1'], ['n2']], time: lastTime + 11 });
    expect(evidenceOf(idle).weaknesses).toEqual(['no fault window overlapped client traffic']);
  });

  it('counts indeterminate writes piling up on one key (a stale read there has many explanations)', () => {
    const e = evidenceOf(history(1000, 500, (i) => (i % 20 === 1 ? 'info' : 'ok'), { from: 10, to: 50 }));
    expect(e.maxIndeterminateWritesPerKey).toBe(25);
    expect(e.strength).toBe('adequate');
    const worse = evidenceOf(history(1000, 500, (i) => (i % 18 === 1 ? 'info' : 'ok'), { from: 10, to: 50 }));
    expect(worse.weaknesses).toEqual(['28 indeterminate writes on one key']);
  });

  it('counts only ops that did not fail per key (a fail is no evidence)', () => {
    const e = evidenceOf(history(600, 150, (i) => (i % 3 === 0 ? 'fail' : 'ok'), { from: 100, to: 200 }));
    expect(e.clientOps).toBe(600);
    expect(e.opsPerKey).toEqual({ median: 100, max: 100 });
  });

  it('leaves ops per key out for histories whose values are not [key, v]', () => {
    const h = history(200, 100, () => 'ok', { from: 10, to: 20 }).map((o) => (typeof o.process === 'number' ? { ...o, f: 'add', value: o.index } : o));
    const e = evidenceOf(h);
    expect(e.keys).toBeUndefined();
    expect(e.strength).toBe('adequate');
  });
});

describe('the summary of a valid run', () => {
  const options = { workload: 'register', variant: 'careful', seed: 1 } as TestOptions;

  it('states the evidence when VALID, with the figures when weak', () => {
    const weak = evidenceOf(history(400, 5, (i) => (i % 100 < 62 ? 'info' : 'ok')));
    const text = summarize(options, { valid: true, evidence: weak }, '/tmp/run');
    expect(text).toContain('register (careful, seed 1): VALID\n  evidence: weak — 62% of ops indeterminate; no faults; a median of 5 ops per key\n');
    expect(text).toContain('    400 client ops on 80 key(s) (ops per key: median 5, max 5), 62% indeterminate, 0 of 0 fault window(s) during client traffic');
    const good = evidenceOf(history(600, 150, () => 'ok', { from: 100, to: 200 }));
    expect(summarize(options, { valid: true, evidence: good }, '/tmp/run')).toContain(
      '  evidence: adequate — 600 client ops on 4 key(s) (ops per key: median 150, max 150), 0% indeterminate, 1 of 1 fault window(s) during client traffic',
    );
  });

  it('leaves it out when the run is not valid (the violation is the evidence)', () => {
    const weak = evidenceOf(history(400, 5, () => 'info'));
    expect(summarize(options, { valid: false, evidence: weak }, '/tmp/run')).not.toContain('evidence');
  });
});

describe('the report of a valid run', () => {
  const run = (results: unknown): RunData => ({ dir: '/tmp/run', test: { options: { workload: 'register' } } as RunData['test'], ops: [], truncated: false, results, nodeLogs: [] });

  it('shows the evidence first among the facts, weak in words, escaped', () => {
    const weak = evidenceOf(history(400, 5, (i) => (i % 100 < 62 ? 'info' : 'ok')));
    const html = summary(run({ valid: true, evidence: weak }), 10);
    expect(html).toContain('<tr><th>evidence</th><td><strong class="v-unknown">weak</strong> — 62% of ops indeterminate; no faults; a median of 5 ops per key<br>400 client ops on 80 key(s)');
    const good = evidenceOf(history(600, 150, () => 'ok', { from: 100, to: 200 }));
    expect(summary(run({ valid: true, evidence: good }), 10)).toContain('<tr><th>evidence</th><td>adequate<br>600 client ops on 4 key(s)');
    // An older results.json without evidence: no row.
    expect(summary(run({ valid: true }), 10)).not.toContain('<th>evidence</th>');
  });
});
