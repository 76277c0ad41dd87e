/**
 * Thinning a scatter plot without changing what it looks like: two points of the same
 * series that land in the same small cell of the plot draw the same pixels, so only the
 * first is kept. A rare series (fail, info) keeps all its points because it rarely shares
 * a cell. If a history is so large that this still leaves too many, the cell grows until
 * the budget is met, which keeps the file size bounded whatever the history length.
 */

interface Point {
  /** Plot coordinates (pixels of the SVG viewBox). */
  x: number;
  y: number;
  /** Points of different series never stand in for one another. */
  series: string;
}

interface Thinned<P> {
  points: P[];
  /** The cell size finally used, in plot pixels (1 when nothing had to be merged twice). */
  cell: number;
  /** Points dropped because another of their series covered the same cell. */
  dropped: number;
}

export function thinPoints<P extends Point>(points: readonly P[], maxPoints: number, cell = 1): Thinned<P> {
  // Numeric cell keys: string keys made this the slowest step of a 100k-op report.
  const ids = new Map<string, number>();
  const sid = points.map((p) => {
    let id = ids.get(p.series);
    if (id === undefined) ids.set(p.series, (id = ids.size));
    return id;
  });
  let size = cell;
  for (;;) {
    const seen = new Set<number>();
    const kept: P[] = [];
    points.forEach((p, i) => {
      // Plot coordinates are well under 2^15 pixels; series ids under 2^20.
      const k = (sid[i]! * 32768 + Math.floor(p.x / size)) * 32768 + Math.floor(p.y / size);
      if (seen.has(k)) return;
      seen.add(k);
      kept.push(p);
    });
    if (kept.length <= maxPoints || size >= 64) return { points: kept, cell: size, dropped: points.length - kept.length };
    size *= 2;
  }
}
