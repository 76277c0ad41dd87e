/** Mapping data to plot pixels, and axis ticks people can read. */

export interface Scale {
  (v: number): number;
  ticks: number[];
  format(v: number): string;
}

/** Linear scale from `[d0, d1]` to `[r0, r1]` with about `n` round ticks. */
export function linearScale(d0: number, d1: number, r0: number, r1: number, n = 6): Scale {
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  const step = niceStep(span / n);
  const ticks: number[] = [];
  for (let t = Math.ceil(d0 / step) * step; t <= d1 + step * 1e-9; t += step) ticks.push(round(t, step));
  f.ticks = ticks;
  f.format = (v) => formatNumber(v, step);
  return f;
}

/**
 * Log10 scale for latencies, which span several orders of magnitude (1 ms normally,
 * seconds during a fault). Values at or below `d0` are drawn at the bottom.
 */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(Math.max(d1, d0 * 10));
  const f = ((v: number) => r0 + ((Math.log10(Math.max(v, d0)) - l0) / (l1 - l0)) * (r1 - r0)) as Scale;
  const ticks: number[] = [];
  for (let e = Math.ceil(l0 - 1e-9); e <= Math.floor(l1 + 1e-9); e++) ticks.push(10 ** e);
  f.ticks = ticks;
  f.format = (v) => (v >= 1 ? String(Math.round(v)) : String(Number(v.toPrecision(1))));
  return f;
}

/** 1, 2 or 5 × 10^k, the smallest not below `raw`. */
function niceStep(raw: number): number {
  const r = raw > 0 && Number.isFinite(raw) ? raw : 1;
  const pow = 10 ** Math.floor(Math.log10(r));
  for (const m of [1, 2, 5]) if (m * pow >= r) return m * pow;
  return 10 * pow;
}

function round(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(v.toFixed(Math.min(digits, 12)));
}

function formatNumber(v: number, step: number): string {
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return v.toFixed(Math.min(digits, 6));
}

/** The smallest power of ten not above `v` (for the bottom of a log axis). */
export function floorPow10(v: number): number {
  return 10 ** Math.floor(Math.log10(v));
}
