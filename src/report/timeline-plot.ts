/** Draws timeline.ts's lanes with the fault windows across all of them. */
import type { Buckets } from './buckets.js';
import { timePlot } from './chart-frame.js';
import { clip, esc } from './escape.js';
import { describe } from './explanation.js';
import type { FaultWindow } from './fault-windows.js';
import type { Scale } from './scale.js';
import type { Span } from './spans.js';
import { laneCount, laneOf, MAX_TIMELINE_BARS, timelineCells } from './timeline.js';

/** Lanes are at most this tall, and shrink so the plot stays under ~600 px. */
const MAX_LANE = 16;
const MAX_LANES_PX = 560;

/** True when the timeline draws every op as its own bar (and so can be linked to). */
export function timelineHasBars(spans: readonly Span[]): boolean {
  return spans.length <= MAX_TIMELINE_BARS;
}

/** `anchors`: invocation indices whose bars get an id (`op-<index>`) for links to land on. */
export function timelinePlot(spans: readonly Span[], b: Buckets, durationSeconds: number, faults: readonly FaultWindow[], concurrency: number | undefined, historyEnd: number, anchors: ReadonlySet<number> = new Set()): string {
  const lanes = laneCount(spans, concurrency);
  const laneH = Math.max(2, Math.min(MAX_LANE, MAX_LANES_PX / lanes));
  // timePlot lays out the frame; its height is the lanes plus the frame's margins.
  const probe = timePlot('timeline', durationSeconds, faults, 100);
  const margins = 100 - (probe.area.bottom - probe.area.top);
  const plot = timePlot('timeline', durationSeconds, faults, Math.ceil(lanes * laneH + margins));
  const { area, x } = plot;
  const top = area.top;
  const laneY = (lane: number) => top + lane * laneH;
  // A "scale" whose ticks are lane labels: every lane if they fit, else every few.
  const every = Math.ceil(12 / laneH);
  const y = ((v: number) => laneY(v) + laneH / 2) as Scale;
  y.ticks = Array.from({ length: lanes }, (_, i) => i).filter((i) => i % every === 0);
  y.format = (v) => `worker ${v}`;

  const body: string[] = [];
  let note: string;
  if (timelineHasBars(spans)) {
    for (const s of spans) {
      const x0 = x(s.start / 1e9);
      const x1 = Math.max(x((s.end ?? historyEnd) / 1e9), x0 + 1);
      const lane = laneOf(s.process, concurrency);
      const lat = s.end !== undefined ? `${((s.end - s.start) / 1e6).toFixed(2)} ms` : 'never completed';
      const tip = `process ${s.process}${s.node ? ` → ${s.node}` : ''}: ${describe(s)}, ${lat}, invoked ${(s.start / 1e9).toFixed(3)} s (index ${s.invokeIndex})${s.error ? `; ${s.error}` : ''}`;
      const id = anchors.has(s.invokeIndex) ? ` id="op-${s.invokeIndex}"` : '';
      body.push(`<rect${id} class="bar o-${s.type}" x="${x0.toFixed(1)}" y="${(laneY(lane) + 1).toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${Math.max(1, laneH - 2).toFixed(1)}"><title>${esc(clip(tip, 300))}</title></rect>`);
    }
    note = 'each op a bar from invocation to completion; hover for details';
  } else {
    for (const c of timelineCells(spans, b, concurrency, historyEnd)) {
      const x0 = x(c.bucket * b.width);
      const w = Math.max(0.5, x((c.bucket + 1) * b.width) - x0 - 0.3);
      const tip = `worker ${c.lane}, ${(c.bucket * b.width).toFixed(2)}–${((c.bucket + 1) * b.width).toFixed(2)} s: ${c.ok} ok, ${c.fail} fail, ${c.info} info`;
      // A small stacked bar per cell: the share of each outcome, ok at the bottom.
      const total = c.ok + c.fail + c.info;
      const h = Math.max(1, laneH - 2);
      let yb = laneY(c.lane) + 1 + h;
      const rects: string[] = [];
      for (const o of ['ok', 'fail', 'info'] as const) {
        if (c[o] === 0) continue;
        const hh = (h * c[o]) / total;
        yb -= hh;
        rects.push(`<rect class="bar o-${o}" x="${x0.toFixed(1)}" y="${yb.toFixed(1)}" width="${w.toFixed(1)}" height="${hh.toFixed(1)}"/>`);
      }
      body.push(`<g><title>${esc(tip)}</title>${rects.join('')}</g>`);
    }
    note = `${spans.length} ops, too many to draw one by one: each cell is ${b.width} s of one worker, split by the share of each outcome among the ops running then; hover for counts`;
  }
  const legend = `<div class="legend">${(['ok', 'fail', 'info'] as const).map((o) => `<span class="lg"><svg width="12" height="12"><rect class="bar o-${o}" x="1" y="1" width="10" height="10"/></svg>${o}</span>`).join('')}<span class="lg">lanes are workers: process p runs on worker p mod ${concurrency ?? '(concurrency unknown: lanes are processes)'}</span></div>`;
  return plot.render({ title: 'Timeline: every worker, every op', y, yLabel: '', body: body.join(''), legend, note });
}
