/**
 * How much a verdict of VALID is worth: a pass only means something if the run gave the
 * checker a chance to see a violation. Measured from the history alone (so `faultline
 * check` on a stored run gives the same figures):
 *
 * - ops per key (median, max) that did not fail (a `fail` is no evidence: the checker
 *   drops it), for histories whose client values are `[key, v]` tuples: few ops per key
 *   is little contention; many indeterminate writes on one key let almost any read be
 *   explained (each may take effect at any later time);
 * - the share of client ops that are indeterminate (`info`, or never completed);
 * - how many fault windows had client ops invoked while the fault was in force.
 *
 * The run is `weak` when any threshold below is crossed, and each crossing is said in
 * words; otherwise `adequate` — no claim beyond "none of these weaknesses".
 */
import type { Op } from '../core/op.js';
import { faultWindows } from './fault-windows.js';

/** Fewer client ops than this: too short a run to mean much. */
const MIN_CLIENT_OPS = 100;
/** More than this share of client ops indeterminate: most of the history can be explained away. */
const MAX_INDETERMINATE_SHARE = 0.25;
/** A median below this many ops per key: keys saw too little contention. */
const MIN_MEDIAN_OPS_PER_KEY = 10;
/** More indeterminate writes than this on one key: a stale read there has many explanations. */
const MAX_INDETERMINATE_WRITES_PER_KEY = 25;

interface Evidence {
  strength: 'weak' | 'adequate';
  /** Why it is weak, one phrase each ("62% of ops indeterminate"); empty when adequate. */
  weaknesses: string[];
  /** Client ops invoked. */
  clientOps: number;
  /** Client ops ending `info`, or never completed. */
  indeterminate: number;
  /** indeterminate / clientOps, rounded to 3 places. */
  indeterminateShare: number;
  /** For keyed histories (values `[key, v]`): how many keys, and ops per key that did not fail. */
  keys?: number;
  opsPerKey?: { median: number; max: number };
  /** The most indeterminate non-read ops on one key. */
  maxIndeterminateWritesPerKey?: number;
  /** Fault windows in the history, and those with client ops invoked during them. */
  faultWindows: number;
  faultWindowsWithTraffic: number;
}

const keyOf = (value: unknown): string | undefined =>
  Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') ? String(value[0]) : undefined;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const percent = (x: number): string => `${x >= 0.1 ? Math.round(x * 100) : Math.round(x * 1000) / 10}%`;

export function evidenceOf(history: readonly Op[]): Evidence {
  // Client invocations and how each ended, paired by process.
  const open = new Map<number, Op>();
  const ended = new Map<Op, Op['type']>();
  const invokes: Op[] = [];
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') {
      open.set(op.process, op);
      invokes.push(op);
      continue;
    }
    const inv = open.get(op.process);
    if (inv === undefined) continue;
    open.delete(op.process);
    ended.set(inv, op.type);
  }
  const isIndeterminate = (inv: Op) => (ended.get(inv) ?? 'info') === 'info';
  const indeterminate = invokes.filter(isIndeterminate).length;
  const share = invokes.length ? Math.round((indeterminate / invokes.length) * 1000) / 1000 : 0;

  const perKey = new Map<string, { ops: number; infoWrites: number }>();
  let keyed = invokes.length > 0;
  for (const inv of invokes) {
    const k = keyOf(inv.value);
    if (k === undefined) {
      keyed = false;
      break;
    }
    const e = perKey.get(k) ?? { ops: 0, infoWrites: 0 };
    if (ended.get(inv) !== 'fail') e.ops++;
    if (inv.f !== 'read' && isIndeterminate(inv)) e.infoWrites++;
    perKey.set(k, e);
  }

  const windows = faultWindows(history);
  const invokeTimes = invokes.map((o) => o.time).sort((a, b) => a - b);
  const withTraffic = windows.filter((w) => {
    // Binary search: is any client invocation in [start, end]?
    let lo = 0;
    let hi = invokeTimes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (invokeTimes[mid]! < w.start) lo = mid + 1;
      else hi = mid;
    }
    return lo < invokeTimes.length && invokeTimes[lo]! <= w.end;
  }).length;

  const weaknesses: string[] = [];
  if (invokes.length < MIN_CLIENT_OPS) weaknesses.push(`only ${invokes.length} client ops`);
  if (share > MAX_INDETERMINATE_SHARE) weaknesses.push(`${percent(share)} of ops indeterminate`);
  if (withTraffic === 0) weaknesses.push(windows.length ? 'no fault window overlapped client traffic' : 'no faults');
  const out: Evidence = {
    strength: 'adequate',
    weaknesses,
    clientOps: invokes.length,
    indeterminate,
    indeterminateShare: share,
    faultWindows: windows.length,
    faultWindowsWithTraffic: withTraffic,
  };
  if (keyed && perKey.size > 0) {
    const counts = [...perKey.values()].map((e) => e.ops);
    const maxInfo = Math.max(...[...perKey.values()].map((e) => e.infoWrites));
    out.keys = perKey.size;
    out.opsPerKey = { median: median(counts), max: Math.max(...counts) };
    out.maxIndeterminateWritesPerKey = maxInfo;
    if (out.opsPerKey.median < MIN_MEDIAN_OPS_PER_KEY) weaknesses.push(`a median of ${out.opsPerKey.median} ops per key`);
    if (maxInfo > MAX_INDETERMINATE_WRITES_PER_KEY) weaknesses.push(`${maxInfo} indeterminate writes on one key`);
  }
  if (weaknesses.length) out.strength = 'weak';
  return out;
}

/** The figures in one line: "1480 client ops on 11 keys (ops per key: median 150, max 150), 3% indeterminate, 4 of 4 fault windows during client traffic". */
export function describeFigures(e: Evidence): string {
  const keys = e.keys !== undefined && e.opsPerKey ? ` on ${e.keys} key(s) (ops per key: median ${e.opsPerKey.median}, max ${e.opsPerKey.max})` : '';
  return `${e.clientOps} client ops${keys}, ${percent(e.indeterminateShare)} indeterminate, ${e.faultWindowsWithTraffic} of ${e.faultWindows} fault window(s) during client traffic`;
}

/** "evidence: weak — 62% of ops indeterminate" or "evidence: adequate — <figures>". */
export function describeEvidence(e: Evidence): string {
  return e.strength === 'weak' ? `evidence: weak — ${e.weaknesses.join('; ')}` : `evidence: adequate — ${describeFigures(e)}`;
}

/** results.json's `evidence`, read defensively (older runs have none). */
export function evidenceFromResults(results: unknown): Evidence | undefined {
  const e = typeof results === 'object' && results !== null ? (results as { evidence?: unknown }).evidence : undefined;
  if (typeof e !== 'object' || e === null) return undefined;
  const x = e as Partial<Evidence>;
  if ((x.strength !== 'weak' && x.strength !== 'adequate') || !Array.isArray(x.weaknesses) || typeof x.clientOps !== 'number' || typeof x.indeterminateShare !== 'number') return undefined;
  if (typeof x.faultWindows !== 'number' || typeof x.faultWindowsWithTraffic !== 'number') return undefined;
  return x as Evidence;
}
