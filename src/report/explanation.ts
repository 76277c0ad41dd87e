/**
 * What the explanation view of one invalid key shows: the tail of the longest
 * linearizable prefix (in linearization order), the op that could not be placed and the
 * other pending ops, the ops of the same key that overlap it in time, and the model
 * states the prefix can end in. Shaping only; explanation-view.ts draws it.
 */
import { showValue } from './escape.js';
import type { PartitionDoc } from './results-doc.js';
import type { Span } from './spans.js';

export type Role = 'prefix' | 'blocking' | 'pending' | 'concurrent' | 'failed' | 'other';

export interface ShownOp {
  span: Span;
  role: Role;
  /** 1-based position in the linearizable prefix. */
  order?: number;
  /** A short description from the history ("read → 1"). */
  label: string;
  /** The checker's own words for a pending op ("k0: read 1"), from its model. */
  checkerText?: string;
}

export interface KeyView {
  key: string;
  message: string;
  states: string[];
  prefixLength: number;
  /** Prefix ops left out of the picture (the earliest ones). */
  omittedPrefix: number;
  ops: ShownOp[];
  /** The blocking op (it had to take effect before it completed). */
  blocking?: ShownOp;
  /** Time range to draw, ns. */
  t0: number;
  t1: number;
}

/** The key an op belongs to, for keyed values `[key, v]`; undefined otherwise. */
export function keyOf(value: unknown): string | undefined {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' ? value[0] : undefined;
}

/** "write 2", "read → 1", "cas 1→3 (fail)": short, with the key stripped. */
export function describe(s: Span): string {
  const strip = (v: unknown) => (keyOf(v) !== undefined ? (v as unknown[])[1] : v);
  const v = strip(s.value);
  const r = strip(s.result);
  let text = s.f;
  if (Array.isArray(v) && v.length === 2 && s.f === 'cas') text += ` ${showValue(v[0])}→${showValue(v[1])}`;
  else if (v !== null && v !== undefined) text += ` ${showValue(v)}`;
  if (s.type === 'ok' && r !== undefined && showValue(r) !== showValue(v)) text += ` → ${showValue(r)}`;
  if (s.type !== 'ok') text += ` (${s.type}${s.end === undefined ? ', never completed' : ''})`;
  return text;
}

interface ExplainLimits {
  /** Prefix ops shown before the failure (the last ones). */
  prefixTail: number;
  /** Other ops of the key (overlapping the failure or between the drawn prefix and it) shown at most. */
  maxConcurrent: number;
}

export function explainKey(p: PartitionDoc, spans: readonly Span[], historyEnd: number, limits: ExplainLimits = { prefixTail: 10, maxConcurrent: 30 }): KeyView | undefined {
  const e = p.explanation;
  if (!e) return undefined;
  const byInvoke = new Map<number, Span>();
  for (const s of spans) byInvoke.set(s.invokeIndex, s);
  const sameKey = (s: Span) => p.key === '(all)' || keyOf(s.value) === p.key;

  const shown = new Map<number, ShownOp>();
  const prefixOrder = new Map<number, number>();
  e.prefix.forEach((idx, i) => prefixOrder.set(idx, i + 1));

  const nextIdx = new Set(e.next.map((n) => n.index));
  const blockingIdx = e.blocking?.index ?? e.next[0]?.index;
  for (const n of e.next) {
    const span = byInvoke.get(n.index);
    if (!span) continue;
    shown.set(n.index, { span, role: n.index === blockingIdx ? 'blocking' : 'pending', label: describe(span), checkerText: n.op || describe(span) });
  }
  const blocking = blockingIdx === undefined ? undefined : shown.get(blockingIdx);
  // The focus: the blocking op's lifetime, where the contradiction lives.
  const focusStart = blocking?.span.start ?? (spans[0]?.start ?? 0);
  const focusEnd = blocking?.span.end ?? historyEnd;

  const tail = e.prefix.slice(Math.max(0, e.prefix.length - limits.prefixTail));
  for (const idx of tail) {
    const span = byInvoke.get(idx);
    if (span) shown.set(idx, { span, role: 'prefix', order: prefixOrder.get(idx)!, label: describe(span) });
  }
  // Context: every op of the key from the earliest drawn prefix op until the blocking op
  // completed, including failed and indeterminate ones the search set aside (a "failed"
  // write that did take effect is the classic cause). The ones nearest the failure win
  // when there are too many.
  let from = focusStart;
  for (const o of shown.values()) from = Math.min(from, o.span.start);
  const context = spans.filter((s) => !shown.has(s.invokeIndex) && sameKey(s) && (s.end ?? historyEnd) >= from && s.start <= focusEnd);
  context.sort((a, b) => Math.abs(a.start - focusStart) - Math.abs(b.start - focusStart));
  for (const s of context.slice(0, limits.maxConcurrent)) {
    const order = prefixOrder.get(s.invokeIndex);
    const overlaps = (s.end ?? historyEnd) >= focusStart;
    const role: Role = order !== undefined ? 'prefix' : s.type === 'fail' ? 'failed' : nextIdx.has(s.invokeIndex) ? 'pending' : overlaps ? 'concurrent' : 'other';
    const op: ShownOp = { span: s, role, label: describe(s) };
    if (order !== undefined) op.order = order;
    shown.set(s.invokeIndex, op);
  }
  const ops = [...shown.values()].sort((a, b) => a.span.start - b.span.start);
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const o of ops) {
    t0 = Math.min(t0, o.span.start);
    t1 = Math.max(t1, o.span.end ?? historyEnd);
  }
  const shownPrefix = ops.filter((o) => o.order !== undefined).length;
  const view: KeyView = {
    key: p.key,
    message: e.message,
    states: e.states,
    prefixLength: e.prefix.length,
    omittedPrefix: e.prefix.length - shownPrefix,
    ops,
    t0: Number.isFinite(t0) ? t0 : 0,
    t1: Number.isFinite(t1) ? t1 : 0,
  };
  if (blocking) view.blocking = blocking;
  return view;
}
