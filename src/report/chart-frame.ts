/**
 * The frame every time plot shares: axes, grid, a title, and the fault windows shaded
 * across the plot with their labels in a band above it, so any wiggle in a curve can be
 * read against the fault that was in force.
 */
import { esc } from './escape.js';
import type { FaultWindow } from './fault-windows.js';
import { linearScale, type Scale } from './scale.js';

/** Width of every plot's viewBox; the SVG scales to the page width. */
const PLOT_WIDTH = 960;
const LEFT = 60;
const RIGHT = 16;
const BOTTOM = 34;
const LABEL_ROW = 13;
/** Label rows above a plot; overlapping faults of several kinds need a row each. */
const MIN_LABEL_ROWS = 3;
/** Rough width of one character of the 10px label font, to keep labels apart. */
const CHAR_PX = 6;

interface Area {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Each fault package names its colour family (nemesis/package.ts); unknown faults share one. */
function faultClass(w: FaultWindow): string {
  return `fk-${w.colour ?? 'other'}`;
}

/** Rows for fault labels so that no two overlap; a label that fits in no row is dropped (its shading and tooltip remain). */
function labelRows(faults: readonly FaultWindow[], x: Scale): Array<number | undefined> {
  const rowEnds: number[] = [];
  const maxRows = Math.max(MIN_LABEL_ROWS, new Set(faults.map((w) => w.kind)).size);
  return faults.map((w) => {
    const x0 = x(w.start / 1e9);
    // A label is as wide as its text or its window, whichever is wider: the tick under it
    // spans the window, so two overlapping windows never share a row.
    const width = Math.max(w.label.length * CHAR_PX + 6, x(w.end / 1e9) - x0 + 2);
    for (let r = 0; r < maxRows; r++) {
      if ((rowEnds[r] ?? -Infinity) < x0) {
        rowEnds[r] = x0 + width;
        return r;
      }
    }
    return undefined;
  });
}

interface TimePlot {
  area: Area;
  x: Scale;
  /** Finishes the plot: the frame around `body` (SVG elements drawn with `x` and a y scale made for `area`). */
  render(opts: { title: string; y: Scale; yLabel: string; body: string; legend?: string; note?: string }): string;
}

/**
 * Lays out a plot of `height` over `[0, durationSeconds]`: the top margin grows with the
 * number of fault-label rows needed.
 */
export function timePlot(id: string, durationSeconds: number, faults: readonly FaultWindow[], height = 260): TimePlot {
  // A little room on the right so the last ops (final reads) are not cut by the frame.
  const probe = linearScale(0, durationSeconds * 1.015 + 0.01, LEFT, PLOT_WIDTH - RIGHT);
  const rows = labelRows(faults, probe);
  const usedRows = Math.max(0, ...rows.map((r) => (r === undefined ? 0 : r + 1)));
  const top = usedRows ? 17 + (usedRows - 1) * LABEL_ROW : 10;
  const area: Area = { left: LEFT, right: PLOT_WIDTH - RIGHT, top, bottom: height - BOTTOM };
  const x = probe;
  return {
    area,
    x,
    render({ title, y, yLabel, body, legend, note }) {
      const parts: string[] = [];
      parts.push(`<svg class="plot" id="${esc(id)}" viewBox="0 0 ${PLOT_WIDTH} ${height}" width="100%" role="img" aria-label="${esc(title)}">`);
      parts.push(`<clipPath id="${esc(id)}-clip"><rect x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}"/></clipPath>`);
      // Grid and axes first so data and faults draw over them.
      const grid: string[] = [];
      for (const t of y.ticks) {
        const py = Math.round(y(t));
        if (py < area.top - 0.5 || py > area.bottom + 0.5) continue;
        grid.push(`<line class="grid" x1="${area.left}" x2="${area.right}" y1="${py}" y2="${py}"/><text class="tick" x="${area.left - 5}" y="${py + 3}" text-anchor="end">${esc(y.format(t))}</text>`);
      }
      for (const t of x.ticks) {
        const px = Math.round(x(t));
        grid.push(`<line class="grid" x1="${px}" x2="${px}" y1="${area.top}" y2="${area.bottom}"/><text class="tick" x="${px}" y="${area.bottom + 13}" text-anchor="middle">${esc(x.format(t))}</text>`);
      }
      parts.push(grid.join(''));
      parts.push(`<text class="axis-label" x="${(area.left + area.right) / 2}" y="${height - 4}" text-anchor="middle">seconds since start</text>`);
      parts.push(`<text class="axis-label" transform="translate(13 ${(area.top + area.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
      parts.push(faultLayer(faults, rows, x, area));
      parts.push(`<g clip-path="url(#${esc(id)}-clip)">${body}</g>`);
      // Window edges again on top, so dense data cannot hide when a fault began or ended.
      parts.push(faultEdges(faults, x, area));
      parts.push(`<rect class="frame" x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}"/>`);
      parts.push('</svg>');
      return `<figure class="plot-figure"><figcaption>${esc(title)}${note ? ` <span class="note">${esc(note)}</span>` : ''}</figcaption>${parts.join('')}${legend ?? ''}</figure>`;
    },
  };
}

function faultLayer(faults: readonly FaultWindow[], rows: ReadonlyArray<number | undefined>, x: Scale, area: Area): string {
  const out: string[] = [];
  faults.forEach((w, i) => {
    const x0 = Math.max(area.left, x(w.start / 1e9));
    const x1 = Math.min(area.right, Math.max(x(w.end / 1e9), x0 + 1.5));
    const tip = `${w.label}: ${(w.start / 1e9).toFixed(2)} s – ${(w.end / 1e9).toFixed(2)} s${w.unhealed ? ' (not healed before the history ended)' : ''}`;
    const row = rows[i];
    let label = '';
    if (row !== undefined) {
      const ly = 11 + row * LABEL_ROW;
      label = `<line class="fault-tick" x1="${x0.toFixed(1)}" x2="${x1.toFixed(1)}" y1="${ly + 2}" y2="${ly + 2}"/><text class="fault-label" x="${(x0 + 2).toFixed(1)}" y="${ly}">${esc(w.label)}</text>`;
    }
    out.push(`<g class="fault ${faultClass(w)}"><title>${esc(tip)}</title><rect x="${x0.toFixed(1)}" y="${area.top}" width="${(x1 - x0).toFixed(1)}" height="${area.bottom - area.top}"/>${label}</g>`);
  });
  return out.join('');
}

function faultEdges(faults: readonly FaultWindow[], x: Scale, area: Area): string {
  return faults
    .map((w) => {
      const xs = [x(w.start / 1e9), ...(w.unhealed ? [] : [x(w.end / 1e9)])].filter((v) => v >= area.left && v <= area.right);
      return `<g class="fault-edge ${faultClass(w)}">${xs.map((v) => `<line x1="${v.toFixed(1)}" x2="${v.toFixed(1)}" y1="${area.top}" y2="${area.bottom}"/>`).join('')}</g>`;
    })
    .join('');
}
