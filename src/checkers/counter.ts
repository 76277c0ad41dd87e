/**
 * The `counter` checker: adds of signed deltas and reads of the value, on any node.
 *
 *  - Every read must be explainable by *some* subset of the adds that may have happened by
 *    the time it completed (acknowledged or in doubt, invoked before the read completed):
 *    with positive deltas that is 0 ≤ value ≤ their sum. Outside is invalid (a value from
 *    nowhere, a double-applied add).
 *  - A read below what the adds acknowledged before it began, or above acknowledged +
 *    in-flight, is stale by linearizable standards: expected from an eventually consistent
 *    store during faults, so only counted.
 *  - After the heal, each node's final value must be exact: the sum of acknowledged adds
 *    plus some subset of the in-doubt ones. Anything else (a lost add) is invalid.
 */
import type { CompletedOp, Op } from '../core/op.js';
import type { Checker, CheckResult, Validity } from './checker.js';
import { clientOps, finalPhaseStart, finalReads, nodesSeen, opRef } from './convergence-history.js';

/** Beyond this many distinct subset sums of in-doubt adds, fall back to a range. */
const MAX_SUMS = 100_000;

function deltaOf(op: CompletedOp): number | undefined {
  const v = op.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { delta?: unknown }).delta === 'number') return (v as { delta: number }).delta;
  return undefined;
}

export function counterValue(op: CompletedOp): number | undefined {
  const r = op.result;
  if (typeof r === 'number') return r;
  if (typeof r === 'object' && r !== null && typeof (r as { value?: unknown }).value === 'number') return (r as { value: number }).value;
  return undefined;
}

/** What the final value may be: acknowledged sum plus any subset of the in-doubt deltas. */
export function finalCounterValues(ops: readonly CompletedOp[]): { acked: number; inDoubt: number[]; allows(v: number): boolean } {
  let acked = 0;
  const inDoubt: number[] = [];
  for (const op of ops) {
    if (op.f !== 'add') continue;
    const d = deltaOf(op);
    if (d === undefined) continue;
    if (op.type === 'ok') acked += d;
    else if (op.type === 'info') inDoubt.push(d);
  }
  let sums: Set<number> | undefined = new Set([0]);
  for (const d of inDoubt) {
    const next: Set<number> = new Set(sums);
    for (const s of sums!) next.add(s + d);
    sums = next;
    if (sums.size > MAX_SUMS) {
      sums = undefined;
      break;
    }
  }
  const lo = inDoubt.reduce((a, d) => a + Math.min(d, 0), 0);
  const hi = inDoubt.reduce((a, d) => a + Math.max(d, 0), 0);
  return { acked, inDoubt, allows: (v) => (sums ? sums.has(v - acked) : v - acked >= lo && v - acked <= hi) };
}

interface CounterOptions {
  /**
   * Judge reads by linearizable bounds: a read below the adds acknowledged before it began,
   * or above those plus the ones in flight, is invalid rather than merely stale.
   */
  strict?: boolean;
}

export function checkCounter(history: readonly Op[], o: CounterOptions = {}): CheckResult {
  const ops = clientOps(history);
  const adds = ops.filter((o) => o.f === 'add' && o.type !== 'fail' && deltaOf(o) !== undefined);
  const reads = ops.filter((o) => o.f === 'read' && o.type === 'ok' && counterValue(o) !== undefined);
  const impossible: Array<{ read: Record<string, unknown>; value: number; lower: number; upper: number }> = [];
  const stale: Array<{ index: number; value: number; lower: number; upper: number }> = [];
  let staleCount = 0;
  for (const r of reads) {
    const v = counterValue(r)!;
    const readEnd = r.complete?.time ?? Infinity;
    let lo = 0;
    let hi = 0;
    let strictLo = 0;
    let strictHi = 0;
    for (const a of adds) {
      if (a.invoke.time > readEnd) continue;
      const d = deltaOf(a)!;
      lo += Math.min(d, 0);
      hi += Math.max(d, 0);
      const definite = a.type === 'ok' && a.complete !== undefined && a.complete.time < r.invoke.time;
      strictLo += definite ? d : Math.min(d, 0);
      strictHi += definite ? d : Math.max(d, 0);
    }
    if (v < lo || v > hi) impossible.push({ read: opRef(r), value: v, lower: lo, upper: hi });
    else if (v < strictLo || v > strictHi) {
      staleCount++;
      if (stale.length < 20) stale.push({ index: r.invoke.index, value: v, lower: strictLo, upper: strictHi });
    }
  }

  const allowed = finalCounterValues(ops);
  const finals = finalReads(reads, finalPhaseStart(history));
  const wrongFinal: Array<{ node: string; value: number; expected: number; inDoubt: number; read: Record<string, unknown> }> = [];
  for (const [node, r] of finals) {
    const v = counterValue(r)!;
    if (!allowed.allows(v)) wrongFinal.push({ node, value: v, expected: allowed.acked, inDoubt: allowed.inDoubt.length, read: opRef(r) });
  }
  const withoutFinal = nodesSeen(ops).filter((n) => !finals.has(n));
  const messages: string[] = [];
  for (const w of wrongFinal.slice(0, 5)) {
    messages.push(`final value on ${w.node} is ${w.value}; acknowledged adds sum to ${w.expected}${w.inDoubt ? ` (+ any of ${w.inDoubt} in-doubt add(s))` : ''}: ${w.value < w.expected ? `${w.expected - w.value} missing` : `${w.value - w.expected} extra`}`);
  }
  for (const i of impossible.slice(0, 5)) messages.push(`read at index ${String(i.read['index'])} on ${String(i.read['node'])} returned ${i.value}, outside [${i.lower}, ${i.upper}]`);
  if (withoutFinal.length > 0) messages.push(`no final read on ${withoutFinal.join(',')}`);
  if (o.strict && staleCount > 0) messages.push(`${staleCount} read(s) outside linearizable bounds, e.g. index ${stale[0]!.index}: ${stale[0]!.value} not in [${stale[0]!.lower}, ${stale[0]!.upper}]`);
  let valid: Validity = impossible.length === 0 && wrongFinal.length === 0 && !(o.strict && staleCount > 0);
  if (valid && withoutFinal.length > 0) valid = 'unknown';
  return {
    valid,
    messages,
    reads: reads.length,
    acknowledgedSum: allowed.acked,
    inDoubtAdds: allowed.inDoubt.length,
    impossibleReads: impossible.slice(0, 50),
    impossibleCount: impossible.length,
    staleReads: staleCount,
    staleExamples: stale,
    finalValues: Object.fromEntries([...finals].map(([n, r]) => [n, counterValue(r)])),
    wrongFinal,
    nodesWithoutFinalRead: withoutFinal,
  };
}

export function counterChecker(o: CounterOptions = {}): Checker {
  return { name: 'counter', check: async (history) => checkCounter(history, o) };
}
