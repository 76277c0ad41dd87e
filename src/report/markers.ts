/**
 * Point markers for the latency scatter: colour says the outcome, shape says the
 * operation. Each (outcome, operation) series is ONE SVG path of tiny sub-paths, about a
 * dozen bytes a point, which is what keeps a plot of thousands of points small.
 */
import { esc } from './escape.js';

export const OUTCOMES = ['ok', 'fail', 'info'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'plus', 'cross'] as const;
type Shape = (typeof SHAPES)[number];

/** Shapes in order of the sorted function names, cycling if there are more than six. */
export function shapeFor(fs: readonly string[]): Map<string, Shape> {
  const m = new Map<string, Shape>();
  [...new Set(fs)].sort().forEach((f, i) => m.set(f, SHAPES[i % SHAPES.length]!));
  return m;
}

/** One point of `shape` at integer pixel (x, y), as path data. */
export function markerPath(shape: Shape, x: number, y: number): string {
  switch (shape) {
    // Zero-length segments drawn with a round or square cap: the cheapest dot SVG has.
    case 'circle':
    case 'square':
      return `M${x} ${y}h0`;
    case 'triangle':
      return `M${x} ${y - 3}l3 5h-6z`;
    case 'diamond':
      return `M${x} ${y - 3}l3 3-3 3-3-3z`;
    case 'plus':
      return `M${x - 3} ${y}h6M${x} ${y - 3}v6`;
    case 'cross':
      return `M${x - 3} ${y - 3}l6 6M${x + 3} ${y - 3}l-6 6`;
  }
}

/** The `<path>` for one series; the CSS classes give colour and stroke style. */
export function seriesPath(outcome: Outcome, shape: Shape, d: string, title: string): string {
  return `<path class="pts o-${outcome} s-${shape}" d="${d}"><title>${esc(title)}</title></path>`;
}

/** A legend: swatches for outcomes, sample markers for each function. */
export function markerLegend(shapes: ReadonlyMap<string, Shape>, counts: Record<Outcome, number>): string {
  const items: string[] = [];
  for (const o of OUTCOMES) items.push(`<span class="lg"><svg width="12" height="12" viewBox="0 0 12 12"><path class="pts o-${o} s-circle" d="M6 6h0"/></svg>${esc(o)} (${counts[o]})</span>`);
  for (const [f, shape] of shapes) {
    items.push(`<span class="lg"><svg width="12" height="12" viewBox="0 0 12 12"><path class="pts o-neutral s-${shape}" d="${markerPath(shape, 6, 6)}"/></svg>${esc(f)}</span>`);
  }
  return `<div class="legend">${items.join('')}</div>`;
}
