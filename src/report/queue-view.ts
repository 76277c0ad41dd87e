/**
 * The report's section for a queue checker's result (checkers/queue.ts), shown whatever
 * the verdict: duplicates allowed under at-least-once and recovered enqueues are worth
 * seeing in a valid run too. A table of figures, then one table per kind of finding with
 * the values and the ops involved (linked to their bars in the timeline when it has them).
 * Reads results.json defensively like the rest of the report: a missing field hides a row.
 */
import { clip, esc } from './escape.js';
import type { Span } from './spans.js';

type Rec = Record<string, unknown>;
const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): string => (typeof x === 'number' ? String(x) : '—');

/** Rows shown per kind; results.json keeps up to 200 and the exact counts. */
const MAX_ROWS = 25;

/** The queue checker's result in results.json: top level or inside a composed checker. */
export function queueResult(results: unknown): Rec | undefined {
  if (!isRec(results)) return undefined;
  if (isRec(results.queue) && 'lostCount' in results.queue) return results.queue;
  for (const r of Object.values(results)) if (isRec(r) && isRec(r.queue) && 'lostCount' in r.queue) return r.queue;
  return undefined;
}

/** History indices a queue section links to (so the timeline gives those bars anchors). */
export function queueIndices(q: Rec | undefined): number[] {
  if (!q) return [];
  const out: number[] = [];
  for (const kind of ['lost', 'unexpected', 'duplicated', 'outOfOrder'] as const) {
    const list = Array.isArray(q[kind]) ? (q[kind] as unknown[]).slice(0, MAX_ROWS) : [];
    for (const v of list) if (isRec(v) && Array.isArray(v.ops)) for (const o of v.ops) if (isRec(o) && typeof o.index === 'number') out.push(o.index);
  }
  if (Array.isArray(q.recovered)) for (const r of q.recovered.slice(0, MAX_ROWS)) if (isRec(r) && typeof r.enqueue === 'number') out.push(r.enqueue);
  return out;
}

export function queueSection(q: Rec | undefined, byIndex: ReadonlyMap<number, Span>, linked: ReadonlySet<number>): string {
  if (!q) return '';
  const link = (i: number) => {
    const s = byIndex.get(i);
    return s && linked.has(s.invokeIndex) ? `<a href="#op-${s.invokeIndex}" title="show in the timeline">${i}</a>` : String(i);
  };
  const delivery = typeof q.delivery === 'string' ? q.delivery : 'at-least-once';
  const figures: Array<[string, string]> = [
    ['enqueues', `${num(q.attempted)} attempted · ${num(q.acknowledged)} ok · ${num(q.indeterminate)} info · ${num(q.failed)} fail`],
    ['dequeued', `${num(q.distinctDequeued)} distinct values in ${num(q.deliveries)} deliveries`],
    ['lost', `${num(q.lostCount)} (acknowledged, never dequeued)`],
    ['unexpected', `${num(q.unexpectedCount)} (dequeued, never enqueued or enqueue failed)`],
    ['duplicated', `${num(q.duplicatedCount)} values, ${num(q.extraDeliveries)} extra deliveries, at most ${num(q.maxCopies)} copies — ${delivery === 'exactly-once' ? 'violations (exactly-once)' : 'allowed (at-least-once)'}`],
    ['recovered', `${num(q.recoveredCount)} (enqueue of unknown outcome, value dequeued)`],
    ['out of order', q.fifo === true ? num(q.outOfOrderCount) : 'not judged (not a FIFO workload)'],
    ['drained', q.drained === true ? 'yes: the queue was seen empty after the heal' : 'no: nothing showed the queue empty at the end, so lost values may still be in it'],
  ];
  const rows = (kind: string, title: string) => {
    const list = Array.isArray(q[kind]) ? (q[kind] as unknown[]).filter(isRec) : [];
    if (list.length === 0) return '';
    const body = list.slice(0, MAX_ROWS).map((v) => {
      const ops = Array.isArray(v.ops) ? v.ops.filter(isRec).map((o) => (typeof o.index === 'number' ? link(o.index) : '')).join(' ') : typeof v.enqueue === 'number' ? link(v.enqueue) : '';
      const what = typeof v.message === 'string' ? v.message : typeof v.count === 'number' ? `${v.count} deliveries` : 'enqueue of unknown outcome; the value was dequeued';
      return `<tr><td><code>${esc(clip(String(v.value), 80))}</code></td><td>${esc(clip(what, 300))}</td><td>${ops}</td></tr>`;
    });
    const total = typeof q[`${kind}Count`] === 'number' ? (q[`${kind}Count`] as number) : list.length;
    const more = total > MAX_ROWS ? `<p class="note">${total - MAX_ROWS} more (up to 200 in results.json).</p>` : '';
    return `<h3>${esc(title)} (${total})</h3><table class="ops"><thead><tr><th>value</th><th>what</th><th>ops</th></tr></thead><tbody>${body.join('')}</tbody></table>${more}`;
  };
  return `<section class="queue" id="queue"><h2>Queue</h2>
<table class="facts"><tbody>${figures.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>
${rows('lost', 'Lost')}${rows('unexpected', 'Unexpected')}${rows('duplicated', 'Duplicated')}${rows('outOfOrder', 'Out of order')}${rows('recovered', 'Recovered')}
</section>`;
}
