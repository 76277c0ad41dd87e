/**
 * What the eventual-consistency checkers (set, counter, convergence, session) read from a
 * history alike: client ops paired with their completions, the node each op really went to
 * (a roaming session names it in the op's value), and where the final phase begins.
 */
import { clientPairs } from '../core/history-reader.js';
import type { CompletedOp, Op } from '../core/op.js';

/** Client ops (no nemesis), invocation order. */
export function clientOps(history: readonly Op[]): CompletedOp[] {
  return clientPairs(history);
}

/** The node an op was sent to: the value's `node` when it names one, else the worker's. */
export function nodeOf(op: CompletedOp): string | undefined {
  const v = op.value;
  if (typeof v === 'object' && v !== null && typeof (v as { node?: unknown }).node === 'string') return (v as { node: string }).node;
  return op.node;
}

/**
 * Nanoseconds at which the final phase begins: after the last fault op (the heal) has
 * completed. Undefined when the run had no faults; then every op counts as final.
 */
export function finalPhaseStart(history: readonly Op[]): number | undefined {
  let t: number | undefined;
  for (const op of history) if (op.process === 'nemesis' && op.type !== 'invoke') t = op.time;
  return t;
}

/** For each node, the last ok read invoked in the final phase (by completion time). */
export function finalReads(reads: readonly CompletedOp[], start: number | undefined): Map<string, CompletedOp> {
  const out = new Map<string, CompletedOp>();
  for (const r of reads) {
    const node = nodeOf(r);
    if (node === undefined || r.type !== 'ok' || r.complete === undefined) continue;
    if (start !== undefined && r.invoke.time < start) continue;
    const cur = out.get(node);
    if (cur === undefined || cur.complete!.time < r.complete.time) out.set(node, r);
  }
  return out;
}

/** Nodes the history talked to at all (so a node with no final read can be named). */
export function nodesSeen(ops: readonly CompletedOp[]): string[] {
  const s = new Set<string>();
  for (const o of ops) {
    const n = nodeOf(o);
    if (n !== undefined) s.add(n);
  }
  return [...s].sort();
}

/** A compact description of an op for violation reports. */
export function opRef(op: CompletedOp): Record<string, unknown> {
  return {
    index: op.invoke.index,
    process: op.process,
    f: op.f,
    value: op.value,
    type: op.type,
    ...(op.result !== undefined && op.f === 'read' ? { result: op.result } : {}),
    node: nodeOf(op),
    invokeTime: op.invoke.time,
    ...(op.complete ? { completeTime: op.complete.time } : {}),
  };
}

export const nsToS = (ns: number): number => Math.round(ns / 1e6) / 1e3;

/** Nearest-rank quantiles of a list of numbers (empty list → nulls). */
export function quantiles(xs: readonly number[]): { min: number | null; p50: number | null; p95: number | null; max: number | null } {
  if (xs.length === 0) return { min: null, p50: null, p95: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { min: s[0]!, p50: q(0.5), p95: q(0.95), max: s[s.length - 1]! };
}
