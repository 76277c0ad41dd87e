/**
 * Draws one invalid key like Porcupine's view: a lane per process, each op a bar from
 * invocation to completion, the linearizable prefix numbered in linearization order, the
 * op that cannot be placed in red with a line where it must already have taken effect,
 * and the states the prefix can end in. A table below repeats it in words.
 */
import { clip, esc } from './escape.js';
import type { KeyView, Role, ShownOp } from './explanation.js';
import type { Excerpt } from './log-excerpts.js';

const WIDTH = 960;
const LEFT = 70;
const RIGHT = 16;
const LANE = 24;
const TOP = 8;
const AXIS = 24;
const CHAR_PX = 6.7;
/** Space between consecutive invocation/completion events. */
const MIN_GAP = 10;
/** Narrowest bar: wide enough to see and to hover. */
const BAR_MIN = 26;
/** A label wider than this is cut (its full text is in the tooltip and the table). */
const MAX_LABEL_PX = 260;

const ROLE_TEXT: Record<Role, string> = {
  prefix: 'linearized (prefix)',
  blocking: 'cannot be placed',
  pending: 'pending, cannot be placed either',
  concurrent: 'overlaps it, not linearized',
  failed: 'failed (did not happen)',
  other: 'not in the prefix',
};

/** The text drawn in an op's bar. */
function labelText(o: ShownOp): string {
  return `${o.order !== undefined ? `#${o.order} ` : ''}${o.label}`;
}

/** Pixels an op's bar needs to hold its label (capped: a huge value is cut instead). */
function labelNeed(o: ShownOp): number {
  return Math.min(MAX_LABEL_PX, labelText(o).length * CHAR_PX + 8);
}

/**
 * x positions by the ORDER of invocation and completion events, not by time: ops last a
 * millisecond while the picture spans seconds, and for linearizability only the real-time
 * order matters (as in Porcupine). Each event sits a little after the previous one; a
 * label starts in its bar and may run on into the empty lane after it, so the next op of
 * the same lane starts only once the label has ended. If all that is wider than the page
 * everything shrinks (labels are then cut; the table and tooltips keep them whole).
 */
export function ordinalX(v: KeyView, historyEnd: number): { at: (ns: number) => number; scale: number } {
  const endOf = (o: ShownOp) => o.span.end ?? historyEnd;
  const times = [...new Set(v.ops.flatMap((o) => [o.span.start, endOf(o)]))].sort((a, b) => a - b);
  const rank = new Map(times.map((t, i) => [t, i]));
  // Constraints per event: it must come at least `gap` after event `after`.
  const after = new Map<number, Array<{ after: number; gap: number }>>();
  const add = (i: number, c: { after: number; gap: number }) => after.set(i, [...(after.get(i) ?? []), c]);
  const byLane = new Map<unknown, ShownOp[]>();
  for (const o of v.ops) byLane.set(o.span.process, [...(byLane.get(o.span.process) ?? []), o]);
  let widest = 0;
  for (const ops of byLane.values()) {
    ops.sort((a, b) => a.span.start - b.span.start);
    ops.forEach((o, k) => {
      const s = rank.get(o.span.start)!;
      add(rank.get(endOf(o))!, { after: s, gap: BAR_MIN });
      const next = ops[k + 1];
      if (next) add(rank.get(next.span.start)!, { after: s, gap: labelNeed(o) + 4 });
    });
  }
  const pos: number[] = [];
  times.forEach((_, i) => {
    let p = i === 0 ? 0 : pos[i - 1]! + MIN_GAP;
    for (const c of after.get(i) ?? []) p = Math.max(p, pos[c.after]! + c.gap);
    pos.push(p);
  });
  // The last op of each lane needs room for its label before the right edge.
  for (const ops of byLane.values()) {
    const last = ops[ops.length - 1]!;
    widest = Math.max(widest, pos[rank.get(last.span.start)!]! + labelNeed(last), pos[rank.get(endOf(last))!]!);
  }
  const avail = WIDTH - RIGHT - LEFT - 20;
  const scale = widest > avail ? avail / widest : 1;
  return { at: (ns) => LEFT + 10 + pos[rank.get(ns)!]! * scale, scale };
}

export function explanationView(v: KeyView, historyEnd: number, logs: readonly Excerpt[] = [], linked: ReadonlySet<number> = new Set()): string {
  const processes = [...new Set(v.ops.map((o) => o.span.process))].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const lane = new Map(processes.map((p, i) => [p, i]));
  const height = TOP + processes.length * LANE + AXIS;
  const { at, scale } = ordinalX(v, historyEnd);
  const parts: string[] = [];
  parts.push(`<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${esc(`ops around the violation on key ${v.key}`)}">`);
  processes.forEach((p, i) => {
    const y = TOP + i * LANE;
    parts.push(`<rect class="lane${i % 2 ? ' odd' : ''}" x="${LEFT}" y="${y}" width="${WIDTH - RIGHT - LEFT}" height="${LANE}"/><text class="tick" x="${LEFT - 6}" y="${y + LANE / 2 + 3}" text-anchor="end">process ${esc(p)}</text>`);
  });
  const bottom = TOP + processes.length * LANE;
  parts.push(`<text class="axis-label" x="${(LEFT + WIDTH - RIGHT) / 2}" y="${bottom + 16}" text-anchor="middle">invocations and completions in real-time order (not to scale; times in the tooltips and the table) →</text>`);
  for (const o of v.ops) parts.push(bar(o, at, scale, TOP + lane.get(o.span.process)! * LANE, historyEnd));
  if (v.blocking?.span.end !== undefined) {
    const px = (at(v.blocking.span.end) + 3).toFixed(1);
    parts.push(`<line class="deadline" x1="${px}" x2="${px}" y1="${TOP}" y2="${bottom}"><title>the op that cannot be placed completed here: it must have taken effect by now</title></line>`);
  }
  parts.push('</svg>');

  const states = v.states.length ? v.states.map((s) => `<code>${esc(clip(s))}</code>`).join(' ') : '<em>none recorded</em>';
  const roles = [...new Set(v.ops.map((o) => o.role))];
  const legend = `<div class="legend">${(['prefix', 'blocking', 'pending', 'concurrent', 'failed', 'other'] as const).filter((r) => roles.includes(r)).map((r) => `<span class="lg"><svg width="14" height="10"><rect class="opbar r-${r}" x="1" y="1" width="12" height="8"/></svg>${esc(ROLE_TEXT[r])}</span>`).join('')}<span class="lg"><svg width="14" height="10"><path class="deadline" d="M7 0v10"/></svg>the op that cannot be placed had completed</span></div>`;
  const omitted = v.omittedPrefix > 0 ? `<p class="note">${v.omittedPrefix} earlier op(s) of the ${v.prefixLength}-op prefix are not drawn; drawn prefix ops carry their position in the linearization (#n).</p>` : '<p class="note">Prefix ops carry their position in the linearization (#n).</p>';
  return `<section class="explanation" id="key-${esc(v.key)}">
<h3>Key <code>${esc(v.key)}</code> is not linearizable</h3>
<p class="message">${esc(v.message)}</p>
<p>After linearizing the ${v.prefixLength} op(s) of the longest linearizable prefix, the model can be in state(s): ${states}.
${v.blocking ? `From none of them can <strong>${esc(v.blocking.checkerText ?? v.blocking.label)}</strong> (process ${esc(v.blocking.span.process)}, history index ${v.blocking.span.invokeIndex}) take effect, and it completed, so it must have.` : ''}</p>
${omitted}${parts.join('')}${legend}
${opTable(v.ops, linked)}
${logBlock(v, logs)}
</section>`;
}

function bar(o: ShownOp, at: (ns: number) => number, scale: number, y: number, historyEnd: number): string {
  const x0 = at(o.span.start);
  const x1 = Math.max(at(o.span.end ?? historyEnd), x0 + 6);
  const w = x1 - x0;
  const text = labelText(o);
  // The layout made room for the label up to the next bar of the lane (or the edge);
  // only a shrunk picture or a huge value cuts it.
  const fits = Math.floor((Math.max(labelNeed(o) * scale, w) - 6) / CHAR_PX);
  const shown = fits >= text.length ? text : fits >= 2 ? text.slice(0, fits - 1) + '…' : '';
  const tip = [
    `${o.label} — ${ROLE_TEXT[o.role]}${o.order !== undefined ? ` (#${o.order} in the linearization)` : ''}`,
    `process ${o.span.process}${o.span.node ? ` on ${o.span.node}` : ''}, history index ${o.span.invokeIndex}${o.span.completeIndex !== undefined ? `–${o.span.completeIndex}` : ''}`,
    `invoked ${(o.span.start / 1e9).toFixed(4)} s, ${o.span.end !== undefined ? `completed ${(o.span.end / 1e9).toFixed(4)} s (${o.span.type})` : 'never completed'}`,
    o.span.error ? `error: ${o.span.error}` : '',
  ].filter(Boolean).join('\n');
  return `<g class="op"><title>${esc(clip(tip, 600))}</title><rect class="opbar r-${o.role}${o.span.end === undefined ? ' open' : ''}" x="${x0.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${LANE - 6}" rx="2"/>${shown ? `<text class="optext" x="${(x0 + 3).toFixed(1)}" y="${y + LANE / 2 + 3.5}">${esc(shown)}</text>` : ''}</g>`;
}

/** `linked`: ops that have a bar in the run's timeline to jump to. */
function opTable(ops: readonly ShownOp[], linked: ReadonlySet<number>): string {
  const rows = ops.map((o) => {
    const s = o.span;
    return `<tr class="r-${o.role}"><td>${o.order !== undefined ? `#${o.order}` : ''}</td><td>${linked.has(s.invokeIndex) ? `<a href="#op-${s.invokeIndex}" title="show in the timeline">${s.invokeIndex}</a>` : s.invokeIndex}</td><td>${esc(s.process)}</td><td>${esc(s.node ?? '')}</td><td><code>${esc(clip(o.label))}</code></td><td>${esc(s.type)}</td><td>${(s.start / 1e9).toFixed(4)}</td><td>${s.end !== undefined ? (s.end / 1e9).toFixed(4) : '—'}</td><td>${esc(ROLE_TEXT[o.role])}${s.error ? ` <span class="err">${esc(clip(s.error, 120))}</span>` : ''}</td></tr>`;
  });
  return `<details><summary>The ${ops.length} op(s) drawn, as a table</summary><table class="ops"><thead><tr><th>order</th><th>index</th><th>process</th><th>node</th><th>op</th><th>outcome</th><th>invoked (s)</th><th>completed (s)</th><th>role</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

function logBlock(v: KeyView, logs: readonly Excerpt[]): string {
  if (!logs.length) return '';
  const from = (v.t0 / 1e9 - 1).toFixed(2);
  const to = (v.t1 / 1e9 + 1).toFixed(2);
  const items = logs.map((l) => `<h4>${esc(l.node)}${l.more ? ` <span class="note">(last ${l.lines.length} of ${l.lines.length + l.more} lines in the window)</span>` : ''}</h4><pre class="log">${l.lines.map((x) => `${x.t.toFixed(3).padStart(8)}s  ${esc(clip(x.text, 400))}`).join('\n')}</pre>`);
  return `<details><summary>Node logs from ${from} s to ${to} s (the ops drawn, ±1 s)</summary>${items.join('')}</details>`;
}
