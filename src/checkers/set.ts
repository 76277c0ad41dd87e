/**
 * The `set` checker (after Jepsen's set-full): unique elements are added while reads
 * return the whole set, on any node, during faults; after the heal every node is read.
 *
 *  - lost: an element whose add was acknowledged (or that some read showed) but that is
 *    missing from a node's final read — named with the nodes that lack it. Invalid.
 *  - unexpected: an element a read showed that no add ever tried to add (or whose add
 *    definitely failed). Invalid.
 *  - stale: a read that began after an element's add was acknowledged and does not show
 *    it. Normal for an eventually consistent store while faults last, so only counted.
 *  - stable visibility: for each element, the time from its acknowledgement until the
 *    first read after which every read (on every node) shows it.
 * A node without a read in the final phase makes an otherwise clean result unknown.
 */
import type { CompletedOp, Op } from '../core/op.js';
import type { Checker, CheckResult, Validity } from './checker.js';
import { clientOps, finalPhaseStart, finalReads, nodesSeen, nsToS, opRef, quantiles } from './convergence-history.js';

type Element = string | number;

interface Add {
  element: Element;
  op: CompletedOp;
}

/** The element an add op carries (plain value or `{element}`). */
export function addedElement(op: CompletedOp): Element | undefined {
  const v = op.value;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null) {
    const e = (v as { element?: unknown }).element;
    if (typeof e === 'string' || typeof e === 'number') return e;
  }
  return undefined;
}

/** The elements an ok read returned (plain array or `{elements}`). */
export function readElements(op: CompletedOp): Element[] | undefined {
  const r = op.result;
  const arr = Array.isArray(r) ? r : typeof r === 'object' && r !== null ? (r as { elements?: unknown }).elements : undefined;
  return Array.isArray(arr) ? (arr.filter((e) => typeof e === 'string' || typeof e === 'number') as Element[]) : undefined;
}

const keyOf = (e: Element): string => JSON.stringify(e);

export function checkSet(history: readonly Op[]): CheckResult {
  const ops = clientOps(history);
  const start = finalPhaseStart(history);
  const adds = new Map<string, Add>();
  const failedAdds = new Set<string>();
  for (const op of ops) {
    if (op.f !== 'add') continue;
    const e = addedElement(op);
    if (e === undefined) continue;
    if (op.type === 'fail') failedAdds.add(keyOf(e));
    else adds.set(keyOf(e), { element: e, op });
  }
  const reads = ops
    .filter((o) => o.f === 'read' && o.type === 'ok')
    .map((op) => ({ op, elements: new Set((readElements(op) ?? []).map(keyOf)) }))
    .sort((a, b) => a.op.invoke.time - b.op.invoke.time);
  const seenAnywhere = new Set<string>();
  const unexpected: Array<{ element: Element; read: Record<string, unknown>; addFailed: boolean }> = [];
  for (const r of reads) {
    for (const k of r.elements) {
      seenAnywhere.add(k);
      if (!adds.has(k) && !unexpected.some((u) => keyOf(u.element) === k)) {
        unexpected.push({ element: JSON.parse(k) as Element, read: opRef(r.op), addFailed: failedAdds.has(k) });
      }
    }
  }

  const finals = finalReads(reads.map((r) => r.op), start);
  const nodes = nodesSeen(ops);
  const withoutFinal = nodes.filter((n) => !finals.has(n));
  const finalSets = new Map([...finals].map(([n, op]) => [n, new Set((readElements(op) ?? []).map(keyOf))]));

  const lost: Array<{ element: Element; missingOn: string[]; add: Record<string, unknown> }> = [];
  const stableMs: number[] = [];
  const slowest: Array<{ element: Element; ms: number }> = [];
  const perElement: Record<string, number | null> = {};
  let staleReads = 0;
  const staleElements = new Set<string>();
  let acked = 0;
  let lostAcked = 0;
  for (const [k, add] of adds) {
    const known = add.op.type === 'ok' || seenAnywhere.has(k);
    if (add.op.type === 'ok') acked++;
    if (!known) continue;
    const missingOn = [...finalSets].filter(([, s]) => !s.has(k)).map(([n]) => n);
    if (missingOn.length > 0) {
      lost.push({ element: add.element, missingOn, add: opRef(add.op) });
      if (add.op.type === 'ok') lostAcked++;
    }
    const ackTime = add.op.complete?.time ?? add.op.invoke.time;
    // Reads that could show the element; the stable run is the suffix of reads all showing it.
    const after = reads.filter((r) => r.op.invoke.time >= add.op.invoke.time);
    for (const r of after) {
      if (add.op.type === 'ok' && r.op.invoke.time > ackTime && !r.elements.has(k)) {
        staleReads++;
        staleElements.add(k);
      }
    }
    let i = after.length;
    while (i > 0 && after[i - 1]!.elements.has(k)) i--;
    if (missingOn.length === 0 && i < after.length) {
      const ms = Math.max(0, (after[i]!.op.invoke.time - ackTime) / 1e6);
      stableMs.push(ms);
      slowest.push({ element: add.element, ms: Math.round(ms) });
      perElement[String(add.element)] = Math.round(ms);
    } else {
      // Never stably visible: lost on some node, or shown by no read after it.
      perElement[String(add.element)] = null;
    }
  }
  slowest.sort((a, b) => b.ms - a.ms);

  const messages: string[] = [];
  if (lost.length > 0) {
    messages.push(`${lost.length} lost element(s): ${lost.slice(0, 8).map((l) => `${String(l.element)} (missing on ${l.missingOn.join(',')})`).join(', ')}${lost.length > 8 ? ', …' : ''}`);
    // The figure a reader wants: how many writes the system confirmed, then lost.
    messages.push(`${lostAcked} of ${acked} acknowledged add(s) lost`);
  }
  if (unexpected.length > 0) messages.push(`${unexpected.length} unexpected element(s): ${unexpected.slice(0, 8).map((u) => String(u.element)).join(', ')}`);
  if (withoutFinal.length > 0) messages.push(`no final read on ${withoutFinal.join(',')}`);
  let valid: Validity = lost.length === 0 && unexpected.length === 0;
  if (valid && withoutFinal.length > 0) valid = 'unknown';
  return {
    valid,
    messages,
    attempted: adds.size + failedAdds.size,
    acknowledged: acked,
    lostCount: lost.length,
    /** Lost elements whose add had been acknowledged (the rest were only seen by a read). */
    lostAcknowledged: lostAcked,
    lost: lost.slice(0, 200),
    unexpectedCount: unexpected.length,
    unexpected: unexpected.slice(0, 200),
    staleReads,
    staleElements: staleElements.size,
    stableVisibilityMs: quantiles(stableMs),
    slowestToStabilize: slowest.slice(0, 5),
    /** Element → ms from acknowledgement to stable visibility (null: never stable). */
    stableVisibilityByElement: perElement,
    finalReads: Object.fromEntries([...finals].map(([n, op]) => [n, { index: op.invoke.index, size: finalSets.get(n)?.size ?? 0, at: nsToS(op.invoke.time) }])),
    nodesWithoutFinalRead: withoutFinal,
  };
}

export function setChecker(): Checker {
  return { name: 'set', check: async (history) => checkSet(history) };
}

