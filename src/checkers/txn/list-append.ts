/**
 * The list-append transactional checker, after Elle (Kingsbury & Alvaro, "Elle: Inferring
 * Isolation Anomalies from Experimental Observations", VLDB 2020). A transaction is a list
 * of micro-ops on keys whose values are lists:
 *
 *   ['append', k, v]   appends v (unique per key) to k's list
 *   ['r', k, null]     reads k's whole list; the completion fills in [..., v]
 *
 * Because a read returns every element in order, it reveals the version order of its key:
 * the longest read is the history of the key and every other read must be a prefix of it.
 * That turns each read and append into ww, wr and rw dependencies between transactions
 * without any clocks, and a cycle of dependencies is an anomaly no serializable system
 * can produce (dependency-graph.ts classifies it). Besides cycles, the checker finds what
 * needs no cycle:
 *
 *   incompatible-order  two reads of a key neither of which is a prefix of the other
 *   duplicate-elements  a read that holds an element twice
 *   G1a                 a read saw an append of a transaction that failed (aborted read)
 *   G1b                 a read saw an append that its transaction later superseded in the
 *                       same key (intermediate read)
 *   internal            a transaction's read disagrees with its own earlier micro-ops
 *   phantom-element     a read saw an element nobody tried to append
 *
 * The graph has no real-time edges: this checks serializability, not strict
 * serializability (a transaction may appear to run before one that finished earlier).
 */
import type { CompletedOp, Op } from '../../core/op.js';
import { pairOps } from '../../core/history-reader.js';
import type { Checker, CheckResult } from '../checker.js';
import { DependencyGraph, findCycles, type Cycle } from './dependency-graph.js';

export type MicroOp = ['append', unknown, unknown] | ['r', unknown, unknown[] | null];

interface Txn {
  /** Position among the history's transactions; also the graph node. */
  id: number;
  op: CompletedOp;
  /** The micro-ops as completed (reads filled in) for ok; as invoked otherwise. */
  mops: MicroOp[];
}

type AnomalyKind = 'incompatible-order' | 'duplicate-elements' | 'G1a' | 'G1b' | 'internal' | 'phantom-element' | 'G0' | 'G1c' | 'G-single' | 'G2';

/** An op of the history, as checkers cite them (the report links `index` to its timeline). */
export interface TxnRef {
  index: number;
  process: number | string;
  f: string;
}

export interface ListAppendAnomaly {
  kind: AnomalyKind;
  message: string;
  /** The completions of the transactions involved. */
  ops: TxnRef[];
}

export interface ListAppendResult extends CheckResult {
  txnCount: number;
  edgeCount: number;
  anomalyTypes: string[];
  /** True when the cycle search stopped at its limit: more cycles may exist. */
  cyclesCapped: boolean;
  messages: string[];
  anomalies: ListAppendAnomaly[];
}

const keyOf = (k: unknown): string => (typeof k === 'string' ? k : JSON.stringify(k));
const elemOf = (v: unknown): string => JSON.stringify(v);
const show = (k: unknown): string => keyOf(k);

function micro(value: unknown): MicroOp[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: MicroOp[] = [];
  for (const m of value) {
    if (!Array.isArray(m) || m.length !== 3) return undefined;
    const f = m[0];
    if (f === 'append') out.push(['append', m[1], m[2]]);
    else if (f === 'r') {
      // A read returns a list (or nil: not read yet / empty); anything else is not list-append.
      if (m[2] !== null && m[2] !== undefined && !Array.isArray(m[2])) return undefined;
      out.push(['r', m[1], Array.isArray(m[2]) ? (m[2] as unknown[]) : null]);
    }
    else return undefined;
  }
  return out;
}

/** The transactions of a history: client ops with f "txn" whose value is a micro-op list. */
function transactions(history: readonly Op[]): Txn[] {
  const txns: Txn[] = [];
  for (const op of pairOps(history)) {
    if (op.process === 'nemesis' || op.f !== 'txn') continue;
    const mops = micro(op.type === 'ok' ? op.result : op.value);
    if (!mops) throw new Error(`op ${op.invoke.index}: a txn's value must be a list of ['append', k, v] or ['r', k, list] micro-ops`);
    txns.push({ id: txns.length, op, mops });
  }
  return txns;
}

const index = (t: Txn): number => (t.op.complete ?? t.op.invoke).index;
const ref = (t: Txn): TxnRef => ({ index: index(t), process: t.op.process, f: t.op.f });

interface Writer {
  txn: Txn;
  /** Whether the same transaction appended to the key again after this element. */
  superseded: boolean;
}

export function checkListAppend(history: readonly Op[], o: { maxCycles?: number } = {}): ListAppendResult {
  const txns = transactions(history);
  const anomalies: ListAppendAnomaly[] = [];
  const writers = new Map<string, Map<string, Writer>>(); // key -> element -> writer
  const failed = new Map<string, Map<string, Txn>>();
  const inner = <V>(table: Map<string, Map<string, V>>, key: string): Map<string, V> => {
    let m = table.get(key);
    if (!m) table.set(key, (m = new Map()));
    return m;
  };
  for (const t of txns) {
    // A failed transaction's appends can only be seen by an aborted read (G1a).
    if (t.op.type === 'fail') {
      for (const [f, k, v] of t.mops) if (f === 'append') inner(failed, keyOf(k)).set(elemOf(v), t);
      continue;
    }
    const last = new Map<string, Writer>();
    for (const [f, k, v] of t.mops) {
      if (f !== 'append') continue;
      const key = keyOf(k);
      const w: Writer = { txn: t, superseded: false };
      const prev = last.get(key);
      if (prev) prev.superseded = true;
      inner(writers, key).set(elemOf(v), w);
      last.set(key, w);
    }
  }

  // External reads (before the transaction's own appends to the key) reveal versions;
  // later reads must agree with what the transaction itself did.
  interface Read {
    txn: Txn;
    key: string;
    rawKey: unknown;
    list: string[];
  }
  const reads: Read[] = [];
  for (const t of txns) {
    if (t.op.type !== 'ok') continue;
    const mine = new Map<string, string[] | undefined>(); // key -> list as this txn should see it (undefined: unknown prefix)
    const own = new Map<string, string[]>();
    for (const [f, k, v] of t.mops) {
      const key = keyOf(k);
      if (f === 'append') {
        const known = mine.get(key);
        if (known) known.push(elemOf(v));
        let o2 = own.get(key);
        if (!o2) own.set(key, (o2 = []));
        o2.push(elemOf(v));
        continue;
      }
      if (!Array.isArray(v)) continue;
      const list = v.map(elemOf);
      if (new Set(list).size !== list.length) {
        anomalies.push({ kind: 'duplicate-elements', message: `a read of key ${show(k)} holds an element twice: ${JSON.stringify(v)}`, ops: [ref(t)] });
      }
      const expected = mine.get(key);
      const appended = own.get(key) ?? [];
      const consistent = expected ? sameList(expected, list) : endsWith(list, appended);
      if (!consistent) {
        anomalies.push({
          kind: 'internal',
          message: `a read of key ${show(k)} returned ${JSON.stringify(v)}, but the transaction's own earlier micro-ops imply ${expected ? `[${expected.join(',')}]` : `a list ending in [${appended.join(',')}]`}`,
          ops: [ref(t)],
        });
      }
      if (!own.has(key) && !mine.has(key)) reads.push({ txn: t, key, rawKey: k, list });
      mine.set(key, [...list]);
    }
  }

  // Version order per key: the longest read; every read must be its prefix.
  const order = new Map<string, string[]>();
  for (const r of reads) {
    const cur = order.get(r.key);
    if (!cur || r.list.length > cur.length) order.set(r.key, r.list);
  }
  const incompatible = new Set<string>();
  for (const r of reads) {
    const longest = order.get(r.key)!;
    if (!isPrefix(r.list, longest) && !incompatible.has(r.key)) {
      incompatible.add(r.key);
      const other = reads.find((x) => x.key === r.key && x.list === longest)!;
      anomalies.push({
        kind: 'incompatible-order',
        message: `key ${show(r.rawKey)}: one read saw [${r.list.join(',')}], another [${longest.join(',')}]; neither is a prefix of the other, so no single order of appends explains both`,
        ops: [ref(r.txn), ref(other.txn)],
      });
    }
  }

  for (const r of reads) {
    for (const e of r.list) {
      const f = failed.get(r.key)?.get(e);
      if (f) anomalies.push({ kind: 'G1a', message: `a read of key ${show(r.rawKey)} saw ${e}, appended by a transaction that failed`, ops: [ref(r.txn), ref(f)] });
      else if (!writers.get(r.key)?.has(e)) anomalies.push({ kind: 'phantom-element', message: `a read of key ${show(r.rawKey)} saw ${e}, which no transaction appended`, ops: [ref(r.txn)] });
    }
    const lastElem = r.list[r.list.length - 1];
    const w = lastElem === undefined ? undefined : writers.get(r.key)?.get(lastElem);
    if (w && w.superseded && w.txn !== r.txn) {
      anomalies.push({ kind: 'G1b', message: `a read of key ${show(r.rawKey)} ended at ${lastElem}, an intermediate state: its transaction appended to the key again afterwards`, ops: [ref(r.txn), ref(w.txn)] });
    }
  }

  // Dependencies. Keys whose reads disagree have no version order to infer edges from.
  const graph = new DependencyGraph();
  for (const [key, list] of order) {
    if (incompatible.has(key)) continue;
    const ws = writers.get(key);
    for (let i = 0; i + 1 < list.length; i++) {
      const a = ws?.get(list[i]!);
      const b = ws?.get(list[i + 1]!);
      if (a && b) graph.add(a.txn.id, b.txn.id, 'ww', key);
    }
  }
  for (const r of reads) {
    if (incompatible.has(r.key)) continue;
    const ws = writers.get(r.key);
    const full = order.get(r.key)!;
    const lastElem = r.list[r.list.length - 1];
    if (lastElem !== undefined) {
      const w = ws?.get(lastElem);
      if (w) graph.add(w.txn.id, r.txn.id, 'wr', r.key);
    }
    const nextElem = full[r.list.length];
    if (nextElem !== undefined) {
      const w = ws?.get(nextElem);
      if (w) graph.add(r.txn.id, w.txn.id, 'rw', r.key);
    }
  }
  const maxCycles = o.maxCycles ?? 20;
  const cycles = findCycles(graph, maxCycles);
  for (const c of cycles) anomalies.push(describeCycle(c, txns));
  const cyclesCapped = cycles.length >= maxCycles;

  const anomalyTypes = [...new Set(anomalies.map((a) => a.kind))].sort();
  // One line per kind for the terminal summary: how many, and the first as an example.
  const messages = anomalyTypes.map((t) => {
    const of = anomalies.filter((a) => a.kind === t);
    return `${t} ×${of.length}, e.g. ${of[0]!.message}`;
  });
  if (cyclesCapped) messages.push(`(the cycle search stopped after ${maxCycles} cycles; there may be more)`);
  return { valid: anomalies.length === 0, txnCount: txns.length, edgeCount: graph.edgeCount, anomalyTypes, cyclesCapped, messages, anomalies };
}

function describeCycle(c: Cycle, txns: readonly Txn[]): ListAppendAnomaly {
  const name = (id: number) => `T${index(txns[id]!)}`;
  const how: Record<string, string> = { ww: 'was overwritten by', wr: 'was read by', rw: 'read a version overwritten by' };
  const text = c.steps.map((e) => `${name(e.from)} ${how[e.kind]} ${name(e.to)} (${e.kind} on ${e.key})`).join('; ');
  return { kind: c.anomaly, message: `${c.anomaly} cycle: ${text}`, ops: c.steps.map((e) => ref(txns[e.from]!)) };
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && isPrefix(a, b);
}

function endsWith(list: readonly string[], tail: readonly string[]): boolean {
  return tail.length <= list.length && tail.every((e, i) => list[list.length - tail.length + i] === e);
}

/** The checker: valid when no anomaly is found; reports each with the ops involved. */
export function listAppend(o: { maxCycles?: number } = {}): Checker {
  return {
    name: 'list-append',
    async check(history) {
      return checkListAppend(history, o);
    },
  };
}
