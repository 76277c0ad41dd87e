/** Data shaping behind the report: fault windows, buckets, quantiles, thinning, escaping. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Op } from '../../src/core/op.js';
import { makeBuckets, niceWidth } from '../../src/report/buckets.js';
import { thinPoints } from '../../src/report/downsample.js';
import { clip, esc, showValue } from '../../src/report/escape.js';
import { describe as describeOp, explainKey, keyOf } from '../../src/report/explanation.js';
import { ordinalX } from '../../src/report/explanation-view.js';
import { faultWindows } from '../../src/report/fault-windows.js';
import { describeGrudge } from '../../src/nemesis/grudge.js';
import { describeTargets } from '../../src/nemesis/package.js';
import { partition } from '../../src/nemesis/partition.js';
import { loadRun } from '../../src/report/load-run.js';
import { logExcerpts } from '../../src/report/log-excerpts.js';
import { CSP } from '../../src/report/csp.js';
import { renderReport } from '../../src/report/page.js';
import { checkerMessages, collectViolations, spanIndex } from '../../src/report/violations.js';
import { quantile, quantilesOverTime } from '../../src/report/quantiles.js';
import { partitionsOf } from '../../src/report/results-doc.js';
import { clientSpans } from '../../src/report/spans.js';
import { throughputOverTime } from '../../src/report/throughput.js';
import { EVIL, writeSyntheticRun } from '../../bench/report-synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const S = 1e9;
let idx = 0;
function op(type: Op['type'], process: Op['process'], f: string, value: unknown, seconds: number): Op {
  return { index: idx++, type, process, f, value, time: seconds * S };
}
function history(ops: Array<Omit<Op, 'index'>>): Op[] {
  return ops.map((o, i) => ({ ...o, index: i }));
}

/** A run directory holding `faults` and a few client ops around them. */
function writeSyntheticRunFrom(dir: string, faults: readonly Op[]): void {
  mkdirSync(join(dir, 'nodes'), { recursive: true });
  const clientOps: Op[] = [];
  for (let t = 0.5; t < 7; t += 0.5) {
    clientOps.push({ index: 0, type: 'invoke', process: 0, f: 'read', value: null, time: t * S });
    clientOps.push({ index: 0, type: 'ok', process: 0, f: 'read', value: 1, time: (t + 0.1) * S });
  }
  const ops = [...faults, ...clientOps].sort((a, b) => a.time - b.time).map((o, index) => ({ ...o, index }));
  writeFileSync(join(dir, 'history.jsonl'), ops.map((o) => JSON.stringify(o)).join('\n') + '\n');
  writeFileSync(join(dir, 'test.json'), JSON.stringify({ options: { workload: 'register', variant: 'careful', seed: 1, concurrency: 1 } }));
}

describe('fault windows', () => {
  it('pairs each fault with the heal of its kind, from invocation to heal completion', () => {
    const h = history([
      op('invoke', 'nemesis', 'start-partition', { shape: 'halves', grudge: { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] } }, 1),
      op('ok', 'nemesis', 'start-partition', { shape: 'halves', grudge: { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] } }, 1.1),
      op('invoke', 'nemesis', 'kill', ['n5'], 2),
      op('ok', 'nemesis', 'kill', ['n5'], 2.2),
      op('invoke', 'nemesis', 'stop-partition', null, 3),
      op('ok', 'nemesis', 'stop-partition', 'healed', 3.5),
      op('invoke', 'nemesis', 'start', 'all', 4),
      op('ok', 'nemesis', 'start', ['n5'], 4.25),
      op('invoke', 0, 'read', null, 5),
      op('ok', 0, 'read', 1, 6),
    ]);
    const w = faultWindows(h);
    expect(w.map((x) => [x.kind, x.label, x.start / S, x.end / S, x.unhealed])).toEqual([
      ['partition', 'partition halves n1 | n2,n3', 1, 3.5, false],
      ['kill', 'kill n5', 2, 4.25, false],
    ]);
  });

  it('keeps a fault nothing healed open to the end of the history, and ignores a failed one', () => {
    const h = history([
      op('invoke', 'nemesis', 'pause', ['n2'], 1),
      op('fail', 'nemesis', 'pause', ['n2'], 1.1),
      op('invoke', 'nemesis', 'pause', ['n3'], 2),
      op('info', 'nemesis', 'pause', ['n3'], 2.1),
      op('invoke', 0, 'write', 1, 7),
      op('ok', 0, 'write', 1, 9),
    ]);
    expect(faultWindows(h)).toEqual([{ kind: 'pause', label: 'pause n3', colour: 'freeze', start: 2 * S, end: 9 * S, unhealed: true }]);
  });

  it('understands clock faults and unknown start-x/stop-x pairs, and marks one-off ops', () => {
    const h = history([
      op('invoke', 'nemesis', 'clock-bump', { n1: 30 }, 1),
      op('ok', 'nemesis', 'clock-bump', { n1: 30 }, 1),
      op('invoke', 'nemesis', 'start-loss', { nodes: ['n2'], probability: 0.3 }, 2),
      op('ok', 'nemesis', 'start-loss', { nodes: ['n2'], probability: 0.3 }, 2),
      op('invoke', 'nemesis', 'clock-reset', 'all', 3),
      op('ok', 'nemesis', 'clock-reset', 'all', 3),
      op('invoke', 'nemesis', 'stop-loss', null, 4),
      op('ok', 'nemesis', 'stop-loss', null, 4),
      op('invoke', 'nemesis', 'meteor', 'n1', 5),
      op('ok', 'nemesis', 'meteor', 'n1', 5.5),
    ]);
    expect(faultWindows(h).map((w) => [w.kind, w.label, w.start / S, w.end / S])).toEqual([
      ['clock', 'clock n1+30s', 1, 3],
      ['loss', 'loss n2 probability=0.3', 2, 4],
      ['meteor', 'meteor n1', 5, 5.5],
    ]);
  });

  it('describes a complete cut by its sides and any other grudge by who drops whom', () => {
    expect(describeGrudge({ n1: ['n3', 'n2'], n2: ['n1'], n3: ['n1'] })).toBe('n1 | n2,n3');
    expect(describeGrudge({ n1: 'x' })).toBeUndefined();
    // One-way: the deaf side and whom it drops; the other side drops nothing.
    expect(describeGrudge({ n5: ['n3', 'n1'], n2: ['n1', 'n3'], n4: ['n3', 'n1'] })).toBe('n2,n4,n5 x n1,n3');
    // A majorities ring: every node drops a different pair.
    expect(describeGrudge({ n1: ['n3', 'n4'], n2: ['n4', 'n5'], n3: ['n5', 'n1'], n4: ['n1', 'n2'], n5: ['n2', 'n3'] })).toBe('n1 x n3,n4; n2 x n4,n5; n3 x n1,n5; n4 x n1,n2; n5 x n2,n3');
    expect(partition.describe('start-partition', { n1: ['n2'], n2: ['n1'] })).toBe('partition n1 | n2');
    expect(partition.describe('start-partition', { shape: 'one-way', grudge: { n1: ['n2'] } })).toBe('partition one-way n1 x n2');
    expect(partition.describe('start-partition', { shape: 'primary' })).toBe('partition primary');
    expect(describeTargets('kill', 'all')).toBe('kill');
  });

  it('keeps overlapping faults of different kinds as separate windows, each closed by its own heal', () => {
    const h = history([
      op('invoke', 'nemesis', 'start-loss', { nodes: ['n1'], probability: 0.2 }, 1),
      op('ok', 'nemesis', 'start-loss', { nodes: ['n1'], probability: 0.2 }, 1),
      op('invoke', 'nemesis', 'pause', ['n2'], 2),
      op('ok', 'nemesis', 'pause', ['n2'], 2),
      op('invoke', 'nemesis', 'start-partition', { shape: 'one', grudge: { n3: ['n1', 'n2'], n1: ['n3'], n2: ['n3'] } }, 3),
      op('ok', 'nemesis', 'start-partition', { shape: 'one', grudge: { n3: ['n1', 'n2'], n1: ['n3'], n2: ['n3'] } }, 3),
      op('invoke', 'nemesis', 'stop-loss', null, 4),
      op('ok', 'nemesis', 'stop-loss', 'healed', 4),
      op('invoke', 'nemesis', 'stop-partition', null, 5),
      op('ok', 'nemesis', 'stop-partition', 'healed', 5),
      op('invoke', 'nemesis', 'resume', 'all', 6),
      op('ok', 'nemesis', 'resume', ['n2'], 6),
    ]);
    expect(faultWindows(h).map((w) => [w.kind, w.label, w.colour, w.start / S, w.end / S])).toEqual([
      ['loss', 'loss n1 probability=0.2', 'degraded', 1, 4],
      ['pause', 'pause n2', 'freeze', 2, 6],
      ['partition', 'partition one n3 | n1,n2', 'cut', 3, 5],
    ]);
    // In the report each overlapping window keeps a label of its own (a row each).
    const dir = join(tmp, 'overlap');
    writeSyntheticRunFrom(dir, h);
    const html = renderReport(loadRun(dir));
    const latency = html.slice(html.indexOf('id="latency"'), html.indexOf('</svg>', html.indexOf('id="latency"')));
    for (const label of ['loss n1 probability=0.2', 'pause n2', 'partition one n3 | n1,n2']) expect(latency).toContain(`>${esc(label)}</text>`);
  });
});

describe('buckets, quantiles, throughput', () => {
  it('chooses nice bucket widths', () => {
    expect(niceWidth(30, 120)).toBe(0.5);
    expect(niceWidth(10, 120)).toBe(0.1);
    expect(niceWidth(3600, 120)).toBe(50);
    const b = makeBuckets(30e9, 120);
    expect(b.count).toBe(60);
    expect(b.indexOf(0)).toBe(0);
    expect(b.indexOf(29.99e9)).toBe(59);
    expect(b.indexOf(31e9)).toBe(59); // clamped
  });

  it('uses the nearest-rank quantile, like the perf checker', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(51);
    expect(quantile(xs, 0.99)).toBe(100);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('computes quantiles per bucket by completion time, skipping info and empty buckets', () => {
    const h = history([
      op('invoke', 0, 'read', null, 0.1),
      op('ok', 0, 'read', 1, 0.2), // 100 ms, bucket 0
      op('invoke', 1, 'read', null, 0.3),
      op('ok', 1, 'read', 1, 0.31), // 10 ms, bucket 0
      op('invoke', 0, 'write', 1, 0.5),
      op('info', 0, 'write', 1, 3.5), // info: not in quantiles
      op('invoke', 1, 'write', 2, 5.0),
      op('fail', 1, 'write', 2, 5.002), // 2 ms, bucket 5
    ]);
    const spans = clientSpans(h);
    const b = makeBuckets(6e9, 6);
    const rows = quantilesOverTime(spans, b);
    expect(rows.map((r) => [r.t, r.count, Math.round(r.p50), Math.round(r.max)])).toEqual([
      [0, 2, 100, 100],
      [5, 1, 2, 2],
    ]);
    const tp = throughputOverTime(spans, b);
    expect(tp).toHaveLength(6);
    expect(tp[0]).toEqual({ t: 0, ok: 2, fail: 0, info: 0 });
    expect(tp[3]).toEqual({ t: 3, ok: 0, fail: 0, info: 1 });
    expect(tp[5]!.fail).toBe(1);
  });
});

describe('thinning scatter points', () => {
  it('drops only points hidden under another of the same series', () => {
    const pts = [
      { x: 10, y: 10, series: 'ok' },
      { x: 10.4, y: 10.2, series: 'ok' }, // same pixel, same series: dropped
      { x: 10, y: 10, series: 'fail' }, // same pixel, other series: kept
      { x: 11, y: 10, series: 'ok' },
    ];
    const t = thinPoints(pts, 100);
    expect(t.points).toEqual([pts[0], pts[2], pts[3]]);
    expect(t.dropped).toBe(1);
    expect(t.cell).toBe(1);
  });

  it('grows the cell until a huge cloud fits the budget, keeping rare series', () => {
    let r = 1;
    const next = () => (r = (r * 48271) % 2147483647) / 2147483647;
    const pts = Array.from({ length: 50_000 }, () => ({ x: next() * 900, y: next() * 300, series: 'ok' }));
    pts.push({ x: 5, y: 5, series: 'info' });
    const t = thinPoints(pts, 5_000);
    expect(t.points.length).toBeLessThanOrEqual(5_000);
    expect(t.cell).toBeGreaterThan(1);
    expect(t.points.some((p) => p.series === 'info')).toBe(true);
  });
});

describe('escaping', () => {
  it('escapes markup and quotes', () => {
    expect(esc(EVIL)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(esc(`" onload='x' &`)).toBe('&quot; onload=&#39;x&#39; &amp;');
    expect(esc(42)).toBe('42');
  });

  it('shows values as JSON and never throws', () => {
    expect(showValue(['k0', null])).toBe('["k0",null]');
    expect(showValue(undefined)).toBe('…');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(showValue(cyclic)).toBe('[object Object]');
    expect(clip('x'.repeat(250), 200)).toMatch(/… \(50 more chars\)$/);
  });

  it('renders a hostile history as text only', () => {
    const dir = join(tmp, 'evil');
    writeSyntheticRun(dir, 300, { evilKey: true });
    const html = renderReport(loadRun(dir));
    // Booleans, not toContain: a failure must not print a 100 KB page.
    expect(html.includes('<script')).toBe(false);
    expect(html.includes('<b>not leader')).toBe(false);
    expect(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe(true);
    // Nothing can load: the policy forbids every fetch and every script.
    expect(html.includes(`content="${esc(CSP)}"`)).toBe(true);
    expect(/\b(src|href)="(https?:)?\/\//.test(html)).toBe(false);
  });
});

describe('explanation shaping', () => {
  it('shows the prefix tail, the op that cannot be placed and the ops around it', () => {
    const dir = join(tmp, 'explain');
    const syn = writeSyntheticRun(dir, 600);
    const run = loadRun(dir);
    const spans = clientSpans(run.ops);
    const end = run.ops[run.ops.length - 1]!.time;
    const [k0] = partitionsOf((run.results as { linearizability: unknown }).linearizability);
    const view = explainKey(k0!, spans, end, { prefixTail: 5, maxConcurrent: 10 })!;
    expect(view.blocking?.span.invokeIndex).toBe(syn.blockingIndex);
    expect(view.prefixLength).toBe(30);
    const prefixShown = view.ops.filter((o) => o.role === 'prefix');
    expect(prefixShown.length).toBeGreaterThanOrEqual(5);
    expect(prefixShown.some((o) => o.order === 30)).toBe(true);
    expect(view.omittedPrefix).toBe(30 - prefixShown.length);
    // Every drawn op is on the key.
    expect(view.ops.every((o) => keyOf(o.span.value) === 'k0')).toBe(true);
    expect(view.ops.length).toBeLessThanOrEqual(1 + 30 + 10);
  });

  it('describes ops briefly, without the key', () => {
    const [w] = clientSpans(history([op('invoke', 0, 'cas', ['k1', [1, 2]], 1), op('fail', 0, 'cas', ['k1', [1, 2]], 2)]));
    expect(describeOp(w!)).toBe('cas 1→2 (fail)');
    const [r] = clientSpans(history([op('invoke', 0, 'read', ['k1', null], 1), op('ok', 0, 'read', ['k1', 3], 2)]));
    expect(describeOp(r!)).toBe('read → 3');
    const [u] = clientSpans(history([op('invoke', 0, 'write', ['k1', 4], 1)]));
    expect(describeOp(u!)).toBe('write 4 (info, never completed)');
  });
});

describe('checkers without a dedicated view', () => {
  const results = {
    valid: false,
    bank: {
      valid: false,
      errors: { 'read-total': [{ kind: 'read-total', message: `sums to 159 ${EVIL}`, index: 3, ids: ['t1'] }, { kind: 'read-total', message: 'again', index: 3 }] },
      partitions: [{ key: 'read-total', valid: false, explanation: { message: 'read at index 3 sums to 159' } }],
    },
    perf: { valid: true },
    sets: { valid: true },
  };

  it('collects every object naming a history index as a violation', () => {
    const { violations, more } = collectViolations(results.bank);
    expect(violations).toEqual([
      { indices: [3], kind: 'read-total', message: `sums to 159 ${EVIL}` },
      { indices: [3], kind: 'read-total', message: 'again' },
    ]);
    expect(more).toBe(0);
    // A violation listing its ops: one row, every op's index; bare op refs are rows too.
    const session = { valid: false, rw: { violations: [{ guarantee: 'read-your-writes', message: 'lacks e1', ops: [{ index: 5, f: 'add' }, { index: 9, f: 'read' }] }] }, stray: [{ index: 12 }] };
    expect(collectViolations(session).violations).toEqual([
      { kind: 'read-your-writes', message: 'lacks e1', indices: [5, 9] },
      { kind: 'stray', indices: [12] },
    ]);
  });

  it('shows messages and the ops involved, escaped, in place of a timeline view', () => {
    const dir = join(tmp, 'bank');
    writeSyntheticRun(dir, 100);
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
    const run = loadRun(dir);
    const html = renderReport(run);
    expect(html.includes('<h3>bank: INVALID</h3>')).toBe(true);
    expect(html.includes('<code>read-total</code>: read at index 3 sums to 159')).toBe(true);
    expect(html.includes(`sums to 159 ${esc(EVIL)}`)).toBe(true);
    expect(html.includes('<script')).toBe(false);
    expect(html.includes('is not linearizable')).toBe(false);
    // Index 3 is a completion: the row names its op and links to its bar (small run: bars).
    const s = spanIndex(clientSpans(run.ops)).get(3)!;
    expect(html.includes(`<a href="#op-${s.invokeIndex}" title="show in the timeline">3</a>`)).toBe(true);
    expect(html.includes(`id="op-${s.invokeIndex}"`)).toBe(true);
  });
});

describe('explanation layout', () => {
  it('keeps real-time order, and gives each label room before the next op of its lane', () => {
    const h = history([
      op('invoke', 0, 'write', ['k', 1], 1),
      op('invoke', 1, 'read', ['k', null], 1.5),
      op('ok', 0, 'write', ['k', 1], 2),
      op('invoke', 0, 'write', ['k', 2], 2.1),
      op('ok', 1, 'read', ['k', 7], 2.2),
      op('ok', 0, 'write', ['k', 2], 3),
    ]);
    const spans = clientSpans(h);
    const view = explainKey({ key: 'k', valid: false, explanation: { prefix: [0, 3], states: ['2'], next: [{ index: 1, op: 'k: read 7' }], message: 'm' } }, spans, 3 * S)!;
    expect(view.ops.map((o) => o.role)).toEqual(['prefix', 'blocking', 'prefix']);
    const { at, scale } = ordinalX(view, 3 * S);
    expect(scale).toBe(1);
    const times = [...new Set(spans.flatMap((s) => [s.start, s.end!]))].sort((a, b) => a - b);
    const xs = times.map(at);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
    // "#1 write 1" (10 chars) must end before "#2 write 2" starts on the same lane.
    expect(at(spans[2]!.start) - at(spans[0]!.start)).toBeGreaterThanOrEqual(10 * 6.7);
  });
});

describe('node log excerpts', () => {
  it('picks the lines whose time falls in the window, relative to startedAt', () => {
    const text = ['2026-11-26T07:00:01.000Z n1 early', 'no timestamp here', '2026-11-26T07:00:05.500Z n1 in window', '2026-11-26T07:00:09.000Z n1 late'].join('\n');
    const ex = logExcerpts([{ node: 'n1', tail: '', omittedLines: 0, text }], '2026-11-26T07:00:00.000Z', 4 * S, 6 * S);
    expect(ex).toEqual([{ node: 'n1', lines: [{ t: 5.5, text: '2026-11-26T07:00:05.500Z n1 in window' }], more: 0 }]);
    expect(logExcerpts([{ node: 'n1', tail: '', omittedLines: 0, text }], undefined, 0, 10 * S)).toEqual([]);
  });
});

describe('odd runs still get a report', () => {
  it('an empty history, never checked', () => {
    const dir = join(tmp, 'empty');
    writeSyntheticRun(dir, 10);
    writeFileSync(join(dir, 'history.jsonl'), '');
    rmSync(join(dir, 'results.json'));
    const html = renderReport(loadRun(dir));
    expect(html.includes('<div class="big" id="verdict">UNKNOWN</div>')).toBe(true);
    expect(html.includes('not checked yet')).toBe(true);
    expect(html.includes('No client operations')).toBe(true);
  });

  it('a history cut short: ops that never completed and a fault never healed', () => {
    const dir = join(tmp, 'cut');
    writeSyntheticRun(dir, 10);
    const h = history([
      op('invoke', 'nemesis', 'kill', ['n1'], 0.5),
      op('ok', 'nemesis', 'kill', ['n1'], 0.6),
      op('invoke', 0, 'write', ['k0', 1], 1),
      op('ok', 0, 'write', ['k0', 1], 1.1),
      op('invoke', 1, 'read', ['k0', null], 1.2),
    ]);
    writeFileSync(join(dir, 'history.jsonl'), h.map((o) => JSON.stringify(o)).join('\n') + '\n{"index":5,"ty');
    const run = loadRun(dir);
    expect(run.truncated).toBe(true);
    const html = renderReport(run);
    expect(html.includes('1 op(s) never completed and have no latency')).toBe(true);
    expect(html.includes('(not healed)')).toBe(true);
    expect(html.includes('a cut-off last line was dropped')).toBe(true);
  });
});

describe('violations of other checkers, by shape', () => {
  it('names rows after their list and describes them by their own fields', () => {
    const set = {
      valid: false,
      messages: ['2 lost element(s)'],
      lost: [{ element: 'e1', missingOn: ['n3'], add: { index: 408, process: 7, f: 'add', value: 'e1' } }],
      staleExamples: [{ index: 26, value: 20, lower: 25, upper: 26 }],
    };
    expect(collectViolations(set).violations).toEqual([
      { kind: 'lost', message: 'element: e1, missingOn: n3', indices: [408] },
      { kind: 'staleExamples', message: 'value: 20, lower: 25, upper: 26', indices: [26] },
    ]);
    expect(checkerMessages({ valid: false, set })).toEqual(['2 lost element(s)']);
  });
});
