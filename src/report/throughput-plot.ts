/** Throughput over time as stacked bars by outcome: ok at the bottom, then fail, then info. */
import type { Buckets } from './buckets.js';
import { timePlot } from './chart-frame.js';
import { esc } from './escape.js';
import type { FaultWindow } from './fault-windows.js';
import { linearScale } from './scale.js';
import type { Span } from './spans.js';
import { throughputOverTime } from './throughput.js';

export function throughputPlot(spans: readonly Span[], b: Buckets, durationSeconds: number, faults: readonly FaultWindow[]): string {
  const rows = throughputOverTime(spans, b);
  const plot = timePlot('throughput', durationSeconds, faults, 220);
  const { area, x } = plot;
  const hi = Math.max(1, ...rows.map((r) => r.ok + r.fail + r.info));
  const y = linearScale(0, hi * 1.1, area.bottom, area.top, 4);
  const bars: string[] = [];
  for (const r of rows) {
    const x0 = x(r.t);
    const w = Math.max(0.5, x(r.t + b.width) - x0 - 0.5);
    let base = 0;
    const tip = `${r.t.toFixed(2)}–${(r.t + b.width).toFixed(2)} s: ok ${r.ok.toFixed(1)}/s, fail ${r.fail.toFixed(1)}/s, info ${r.info.toFixed(1)}/s`;
    const rects: string[] = [];
    for (const o of ['ok', 'fail', 'info'] as const) {
      if (r[o] <= 0) continue;
      const y0 = y(base);
      const y1 = y(base + r[o]);
      rects.push(`<rect class="bar o-${o}" x="${x0.toFixed(1)}" y="${y1.toFixed(1)}" width="${w.toFixed(1)}" height="${(y0 - y1).toFixed(1)}"/>`);
      base += r[o];
    }
    if (rects.length) bars.push(`<g><title>${esc(tip)}</title>${rects.join('')}</g>`);
  }
  const legend = `<div class="legend">${(['ok', 'fail', 'info'] as const).map((o) => `<span class="lg"><svg width="12" height="12"><rect class="bar o-${o}" x="1" y="1" width="10" height="10"/></svg>${o}</span>`).join('')}<span class="lg">completions per second, buckets of ${esc(String(b.width))} s</span></div>`;
  return plot.render({ title: 'Throughput by outcome', y, yLabel: 'ops/s', body: bars.join(''), legend });
}
