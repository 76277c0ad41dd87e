/**
 * Latency of every client op against its invocation time (log scale): colour by outcome,
 * shape by operation. Thinned to what can actually be seen (see downsample.ts).
 */
import type { FaultWindow } from './fault-windows.js';
import { thinPoints } from './downsample.js';
import { markerLegend, markerPath, OUTCOMES, seriesPath, shapeFor, type Outcome } from './markers.js';
import { floorPow10, logScale } from './scale.js';
import { latencyMs, type Span } from './spans.js';
import { timePlot } from './chart-frame.js';

/** Budget of drawn points: beyond it cells merge (about 12 bytes each in the file). */
const MAX_SCATTER_POINTS = 20_000;

export function latencyPlot(spans: readonly Span[], durationSeconds: number, faults: readonly FaultWindow[]): string {
  const plot = timePlot('latency', durationSeconds, faults, 300);
  const { area, x } = plot;
  const lats: number[] = [];
  for (const s of spans) {
    const l = latencyMs(s);
    if (l !== undefined) lats.push(l);
  }
  let lo = Infinity;
  let hi = 0;
  for (const l of lats) {
    if (l > 0 && l < lo) lo = l;
    if (l > hi) hi = l;
  }
  const y = logScale(Number.isFinite(lo) ? floorPow10(lo) : 0.1, hi > 0 ? hi * 1.2 : 10, area.bottom, area.top);
  const shapes = shapeFor(spans.map((s) => s.f));
  const counts: Record<Outcome, number> = { ok: 0, fail: 0, info: 0 };
  const raw: Array<{ x: number; y: number; series: string; outcome: Outcome; f: string }> = [];
  let unfinished = 0;
  for (const s of spans) {
    counts[s.type]++;
    const l = latencyMs(s);
    if (l === undefined) {
      unfinished++;
      continue;
    }
    raw.push({ x: Math.round(x(s.start / 1e9)), y: Math.round(y(l)), series: `${s.type}\u0000${s.f}`, outcome: s.type, f: s.f });
  }
  const thin = thinPoints(raw, MAX_SCATTER_POINTS);
  const bySeries = new Map<string, { outcome: Outcome; f: string; d: string[]; n: number }>();
  for (const p of thin.points) {
    const s = bySeries.get(p.series) ?? { outcome: p.outcome, f: p.f, d: [], n: 0 };
    bySeries.set(p.series, s);
    s.d.push(markerPath(shapes.get(p.f)!, p.x, p.y));
  }
  for (const p of raw) bySeries.get(p.series)!.n++;
  // ok first, so the rarer fail and info points are drawn on top.
  const order = [...bySeries.values()].sort((a, b) => OUTCOMES.indexOf(a.outcome) - OUTCOMES.indexOf(b.outcome));
  const body = order.map((s) => seriesPath(s.outcome, shapes.get(s.f)!, s.d.join(''), `${s.f} ${s.outcome}: ${s.n} op(s)`)).join('');
  const notes: string[] = [];
  if (thin.dropped > 0) notes.push(`${thin.points.length} of ${raw.length} points drawn; the rest fall on the same ${thin.cell}px cell as a drawn point of their series`);
  if (unfinished > 0) notes.push(`${unfinished} op(s) never completed and have no latency`);
  return plot.render({ title: 'Latency of every operation (by invocation time)', y, yLabel: 'latency (ms, log)', body, legend: markerLegend(shapes, counts), note: notes.join('; ') });
}
