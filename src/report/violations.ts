/**
 * Violations reported by checkers without a dedicated view (bank, 2PC, sagas, sets…):
 * every object in a checker's result that names a history `index` is taken as one
 * violation, with its `message` and `kind` when it has them. That is the convention the
 * checkers follow; reading it generically means a new checker shows up in the report
 * without report code of its own. A finding marked `allowed: true` is one the checker's
 * criterion permits (an anomaly the consistency model allows): not a violation row.
 */
import type { Span } from './spans.js';

export interface Violation {
  kind?: string;
  message?: string;
  /** History indices of the ops involved (invocations or completions). */
  indices: number[];
}

/** Bounds on the walk: results can be large, the page must not be. */
const MAX_VIOLATIONS = 50;
const MAX_DEPTH = 8;
const MAX_OPS_PER_VIOLATION = 8;

type Rec = Record<string, unknown>;
const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** Every `index` at or below `x` (an op reference, or a list of them). */
function indicesIn(x: unknown, depth: number, out: number[]): void {
  if (depth > MAX_DEPTH || out.length >= MAX_OPS_PER_VIOLATION) return;
  if (Array.isArray(x)) for (const y of x) indicesIn(y, depth + 1, out);
  else if (isRec(x)) {
    if (isIndex(x.index) && !out.includes(x.index)) out.push(x.index);
    for (const [k, y] of Object.entries(x)) if (k !== 'index') indicesIn(y, depth + 1, out);
  }
}

const looksLikeOp = (x: Rec) => 'f' in x || 'process' in x;
/** A copy of a history op as checkers embed them: `{index, process, f, …}`. */
const isOpRef = (x: unknown): x is Rec => isRec(x) && isIndex(x.index) && looksLikeOp(x);

/** "element: e1, missingOn: n3": the object's own short fields, for a row without a message. */
function fieldsText(x: Rec): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(x)) {
    if (['index', 'kind', 'guarantee', 'valid'].includes(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(`${k}: ${String(v)}`);
    else if (Array.isArray(v) && v.length <= 8 && v.every((e) => typeof e === 'string' || typeof e === 'number')) parts.push(`${k}: ${v.join(',')}`);
  }
  const t = parts.join(', ');
  return t.length > 200 ? t.slice(0, 200) + '…' : t;
}

/**
 * Violations in a checker result. One row per:
 * - an object with a `message`, with every op reference (`index`) inside it (checkers list
 *   the ops involved, e.g. `ops: [{index…}]`);
 * - an object holding op references directly (`{element, missingOn, add: {index…}}`),
 *   described by its own short fields;
 * - an op reference on its own (`{index, value, lower, upper}`).
 * The kind is the object's `kind` (or `guarantee`), else the name of the list it is in.
 */
export function collectViolations(result: unknown): { violations: Violation[]; more: number } {
  const out: Violation[] = [];
  let total = 0;
  const seen = new Set<string>();
  const add = (v: Violation) => {
    const key = `${v.indices.join(',')}|${v.message ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    total++;
    if (out.length < MAX_VIOLATIONS) out.push(v);
  };
  const walk = (x: unknown, depth: number, label: string | undefined) => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(x)) {
      for (const y of x) walk(y, depth + 1, label);
      return;
    }
    if (!isRec(x) || x.allowed === true) return;
    const k = typeof x.kind === 'string' ? x.kind : typeof x.guarantee === 'string' ? x.guarantee : label;
    const withKind = (v: Violation): Violation => (k ? { kind: k, ...v } : v);
    if (typeof x.message === 'string' && depth > 0) {
      const indices: number[] = [];
      indicesIn(x, 0, indices);
      // A message about nothing in the history (a summary line) is not a violation row.
      if (indices.length) add(withKind({ message: x.message, indices }));
      return;
    }
    if (isIndex(x.index)) {
      const message = typeof x.op === 'string' ? x.op : looksLikeOp(x) ? '' : fieldsText(x);
      add(withKind({ ...(message ? { message } : {}), indices: [x.index] }));
      return;
    }
    const direct: number[] = [];
    for (const v of Object.values(x)) {
      if (isOpRef(v)) direct.push(v.index as number);
      else if (Array.isArray(v) && v.length > 0 && v.every(isOpRef)) direct.push(...v.map((r) => r.index as number));
    }
    if (direct.length && depth > 0) {
      const message = fieldsText(x);
      add(withKind({ ...(message ? { message } : {}), indices: direct.slice(0, MAX_OPS_PER_VIOLATION) }));
      return;
    }
    for (const [name, y] of Object.entries(x)) walk(y, depth + 1, /^\d+$/.test(name) ? label : name);
  };
  walk(result, 0, undefined);
  return { violations: out, more: total - out.length };
}

/** The checker's own summary lines: `messages: [...]` and `message` fields near the top. */
export function checkerMessages(result: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown, depth: number) => {
    if (depth > 2 || !isRec(x)) return;
    if (Array.isArray(x.messages)) for (const m of x.messages) if (typeof m === 'string') out.push(m);
    if (typeof x.message === 'string') out.push(x.message);
    for (const y of Object.values(x)) walk(y, depth + 1);
  };
  walk(result, 0);
  return out.slice(0, 20);
}

/** The span an index belongs to, whether it is the invocation's or the completion's. */
export function spanIndex(spans: readonly Span[]): Map<number, Span> {
  const m = new Map<number, Span>();
  for (const s of spans) {
    m.set(s.invokeIndex, s);
    if (s.completeIndex !== undefined) m.set(s.completeIndex, s);
  }
  return m;
}
