/** Latency quantiles over time, one line each for p50, p95, p99 and max (log scale). */
import type { Buckets } from './buckets.js';
import { timePlot } from './chart-frame.js';
import { esc } from './escape.js';
import type { FaultWindow } from './fault-windows.js';
import { quantilesOverTime, type QuantileRow } from './quantiles.js';
import { floorPow10, logScale } from './scale.js';
import type { Span } from './spans.js';

const LINES = ['p50', 'p95', 'p99', 'max'] as const;

export function quantilePlot(spans: readonly Span[], b: Buckets, durationSeconds: number, faults: readonly FaultWindow[]): string {
  const rows = quantilesOverTime(spans, b);
  const plot = timePlot('quantiles', durationSeconds, faults);
  const { area, x } = plot;
  let lo = Infinity;
  let hi = 0;
  for (const r of rows) {
    if (r.p50 > 0 && r.p50 < lo) lo = r.p50;
    if (r.max > hi) hi = r.max;
  }
  const y = logScale(Number.isFinite(lo) ? floorPow10(lo) : 0.1, hi > 0 ? hi * 1.2 : 10, area.bottom, area.top);
  const half = b.width / 2;
  // max first, p50 last: where quantiles coincide (few ops in a bucket) the median shows.
  const paths = [...LINES].reverse().map((q) => {
    // A bucket with no completions breaks the line rather than drawing a false slope.
    let d = '';
    let prev: QuantileRow | undefined;
    for (const r of rows) {
      const cmd = prev && Math.abs(r.t - prev.t - b.width) < b.width * 1e-6 ? 'L' : 'M';
      d += `${cmd}${x(r.t + half).toFixed(1)} ${y(r[q]).toFixed(1)}`;
      prev = r;
    }
    return `<path class="qline q-${q}" d="${d}"/>`;
  });
  // Lone points (a single bucket between gaps) would be invisible as lines: dot them.
  const dots = rows.map((r) => `<circle class="qdot" cx="${x(r.t + half).toFixed(1)}" cy="${y(r.p50).toFixed(1)}" r="1.5"><title>${esc(`${r.t.toFixed(2)} s: ${r.count} op(s), p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)}, p99 ${r.p99.toFixed(2)}, max ${r.max.toFixed(2)}`)}</title></circle>`);
  const legend = `<div class="legend">${LINES.map((q) => `<span class="lg"><svg width="18" height="10"><path class="qline q-${q}" d="M1 5h16"/></svg>${q}</span>`).join('')}<span class="lg">buckets of ${esc(String(b.width))} s, ok and fail ops by completion time</span></div>`;
  return plot.render({ title: 'Latency quantiles over time', y, yLabel: 'latency (ms, log)', body: paths.join('') + dots.join(''), legend });
}
