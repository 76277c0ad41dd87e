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
 *   duplicate-elements  a read that holds an element twice (a corrupt read: its key's
 *                       order is not used for edges, so it cannot pose as a G0)
 *   duplicate-appends   a value appended twice to one key (values must be unique per
 *                       key; no edges are inferred for that key)
 *   future-read         a read containing an element its own transaction appends later
 *   lost-update         two committed transactions read the same version of a key and
 *                       both appended to it
 *   dirty-update        a committed append directly after a failed transaction's append
 *                       in a read of the key
 *   G1a                 a read saw an append of a transaction that failed (aborted read)
 *   G1b                 a read saw an append that its transaction later superseded in the
 *                       same key (intermediate read)
 *   internal            a transaction's read disagrees with its own earlier micro-ops
 *   phantom-element     a read saw an element nobody tried to append
 *
 * The graph also holds process edges (each client's transactions in the order it ran them)
 * and realtime edges (a transaction that completed before another was invoked precedes
 * it); a cycle that needs one is named with `-process` or `-realtime`. The verdict is
 * against a consistency model (`consistencyModel`, default serializable): valid when
 * nothing it forbids was found (consistency-models.ts says what each forbids). The result
 * also names every model the anomalies rule out and the strongest ones still consistent.
 */
import type { CompletedOp, Op } from '../../core/op.js';
import { pairOps } from '../../core/history-reader.js';
import type { Checker, CheckResult } from '../checker.js';
import { CONSISTENCY_MODELS, isConsistencyModel, type ConsistencyModel, type Order } from './consistency-models.js';
import { DependencyGraph, searchCycles } from './dependency-graph.js';
import { describeCycle, judgeAnomalies, keyOf, txnRef as ref, type TxnAnomaly } from './txn-findings.js';

export type MicroOp = ['append', unknown, unknown] | ['r', unknown, unknown[] | null];

interface Txn {
  /** Position among the history's transactions; also the graph node. */
  id: number;
  op: CompletedOp;
  /** The micro-ops as completed (reads filled in) for ok; as invoked otherwise. */
  mops: MicroOp[];
}

/**
 * What the checker names: read anomalies ('incompatible-order', 'duplicate-elements',
 * 'duplicate-appends', 'future-read', 'lost-update', 'dirty-update', 'G1a', 'G1b',
 * 'internal', 'phantom-element') and cycles ('G0', 'G1c', 'G-single-item',
 * 'G-nonadjacent-item', 'G2-item', each also with '-process' or '-realtime').
 */
type AnomalyKind = string;

/** A finding of the list-append checker (`kind`: one of the names above). */
export type ListAppendAnomaly = TxnAnomaly & { kind: AnomalyKind };

export interface ListAppendResult extends CheckResult {
  txnCount: number;
  edgeCount: number;
  /** The model the verdict is against. */
  consistencyModel: ConsistencyModel;
  /** Every kind found, whether the model allows it or not. */
  anomalyTypes: string[];
  /** The kinds found that the model forbids (valid is false when there are any). */
  forbiddenAnomalyTypes: string[];
  /** Kinds the cycle search could not rule out before its budget ended. */
  possibleAnomalyTypes: string[];
  /** Every model the anomalies rule out, weakest first. */
  modelsRuledOut: ConsistencyModel[];
  /** The weakest of those (the stronger ones fall with them). */
  weakestModelsRuledOut: ConsistencyModel[];
  /** The strongest models the history is still consistent with. */
  strongestConsistentModels: ConsistencyModel[];
  /** Models neither ruled out nor confirmed (the search budget ran out). */
  undecidedModels: ConsistencyModel[];
  /** One line: the model, the verdict, what is ruled out and what is left. */
  summary: string;
  /** True when the cycle search stopped at its limit: more cycles may exist. */
  cyclesCapped: boolean;
  messages: string[];
  anomalies: ListAppendAnomaly[];
}

const elemOf = (v: unknown): string => JSON.stringify(v);
const show = (k: unknown): string => keyOf(k);

/**
 * The micro-ops of a transaction's value. In a committed transaction a read of nil is
 * evidence, as in Jepsen: the key was empty then (an empty list); anywhere else (an
 * invocation, an indeterminate or failed transaction) a read proves nothing.
 */
function micro(value: unknown, committed: boolean): MicroOp[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: MicroOp[] = [];
  for (const m of value) {
    if (!Array.isArray(m) || m.length !== 3) return undefined;
    const f = m[0];
    if (f === 'append') out.push(['append', m[1], m[2]]);
    else if (f === 'r') {
      // A read returns a list (or nil: not read yet / empty); anything else is not list-append.
      if (m[2] !== null && m[2] !== undefined && !Array.isArray(m[2])) return undefined;
      out.push(['r', m[1], Array.isArray(m[2]) ? (m[2] as unknown[]) : committed ? [] : null]);
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
    const mops = micro(op.type === 'ok' ? op.result : op.value, op.type === 'ok');
    if (!mops) throw new Error(`op ${op.invoke.index}: a txn's value must be a list of ['append', k, v] or ['r', k, list] micro-ops`);
    txns.push({ id: txns.length, op, mops });
  }
  return txns;
}


interface Writer {
  txn: Txn;
  /** Whether the same transaction appended to the key again after this element. */
  superseded: boolean;
}

export interface ListAppendCheckOptions {
  /** Cycles reported per anomaly shape and order (the search stops there). */
  maxCycles?: number;
  /** The model the verdict is against [serializable]. */
  consistencyModel?: ConsistencyModel;
}

export function checkListAppend(history: readonly Op[], o: ListAppendCheckOptions = {}): ListAppendResult {
  const model = o.consistencyModel ?? 'serializable';
  if (!isConsistencyModel(model)) throw new Error(`unknown consistency model "${String(model)}"; models: ${CONSISTENCY_MODELS.join(', ')}`);
  const txns = transactions(history);
  const anomalies: ListAppendAnomaly[] = [];
  const writers = new Map<string, Map<string, Writer>>(); // key -> element -> writer
  const failed = new Map<string, Map<string, Txn>>();
  const inner = <V>(table: Map<string, Map<string, V>>, key: string): Map<string, V> => {
    let m = table.get(key);
    if (!m) table.set(key, (m = new Map()));
    return m;
  };
  // Appends of a value already appended to the key (by an ok or info transaction).
  const repeated: RepeatedAppend[] = [];
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
      const ws = inner(writers, key);
      const elem = elemOf(v);
      const first = ws.get(elem);
      if (first) repeated.push({ key, rawKey: k, elem, first: first.txn, again: t });
      ws.set(elem, w);
      last.set(key, w);
    }
  }

  const dups = duplicateAppends(repeated);
  anomalies.push(...dups.anomalies);
  // Keys whose order gives no edges: duplicate appends (an element names no single writer),
  // corrupt reads, reads no single order explains.
  const unordered = new Set<string>(dups.keys);

  // External reads (before the transaction's own appends to the key) reveal versions;
  // later reads must agree with what the transaction itself did.
  interface Read {
    txn: Txn;
    key: string;
    rawKey: unknown;
    list: string[];
    /** The read holds an element twice: it reveals no order. */
    corrupt: boolean;
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
      const corrupt = new Set(list).size !== list.length;
      if (corrupt) {
        unordered.add(key);
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
      if (!own.has(key) && !mine.has(key)) reads.push({ txn: t, key, rawKey: k, list, corrupt });
      mine.set(key, [...list]);
    }
  }

  anomalies.push(...futureReads(txns), ...lostUpdates(reads));

  // Version order per key: the longest read; every read must be its prefix. A corrupt
  // read takes no part (it is reported as what it is, not as an order it contradicts).
  const order = new Map<string, string[]>();
  const sound = reads.filter((r) => !r.corrupt);
  for (const r of sound) {
    const cur = order.get(r.key);
    if (!cur || r.list.length > cur.length) order.set(r.key, r.list);
  }
  const incompatible = new Set<string>();
  for (const r of sound) {
    const longest = order.get(r.key)!;
    if (!isPrefix(r.list, longest) && !incompatible.has(r.key)) {
      incompatible.add(r.key);
      unordered.add(r.key);
      const other = sound.find((x) => x.key === r.key && x.list === longest)!;
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

  anomalies.push(...dirtyUpdates(sound, writers, failed));

  // Dependencies. Keys whose reads disagree, hold an element twice or were appended the
  // same value twice have no version order to infer edges from.
  const graph = new DependencyGraph();
  for (const [key, list] of order) {
    if (unordered.has(key)) continue;
    const ws = writers.get(key);
    for (let i = 0; i + 1 < list.length; i++) {
      const a = ws?.get(list[i]!);
      const b = ws?.get(list[i + 1]!);
      if (a && b) graph.add(a.txn.id, b.txn.id, 'ww', key);
    }
  }
  for (const r of reads) {
    if (unordered.has(r.key)) continue;
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
  // Appends nobody read: a committed append missing from the longest read of its key was
  // installed after that read's last element, so after every read of the key (rw) and
  // after the append the longest read ends with (ww). Their order among themselves is
  // unknown, so each gets the edges. Indeterminate appends may never have happened.
  const longestReads = new Map<string, Read[]>();
  for (const r of sound) {
    if (unordered.has(r.key) || r.list.length !== order.get(r.key)!.length) continue;
    let rs = longestReads.get(r.key);
    if (!rs) longestReads.set(r.key, (rs = []));
    rs.push(r);
  }
  for (const [key, list] of order) {
    if (unordered.has(key)) continue;
    const seen = new Set(list);
    const unread = new Set<Txn>();
    for (const [elem, w] of writers.get(key) ?? []) if (!seen.has(elem) && w.txn.op.type === 'ok') unread.add(w.txn);
    if (unread.size === 0) continue;
    const last = list.length ? writers.get(key)?.get(list[list.length - 1]!) : undefined;
    for (const t of unread) {
      if (last) graph.add(last.txn.id, t.id, 'ww', key);
      for (const r of longestReads.get(key) ?? []) graph.add(r.txn.id, t.id, 'rw', key);
    }
  }
  addOrderEdges(graph, txns);
  const maxCycles = o.maxCycles ?? 20;
  const orders: Order[] = ['data', 'process', 'realtime'];
  const search = searchCycles(graph, { orders, limit: maxCycles, known: anomalies.map((a) => a.kind) });
  for (const c of search.cycles) anomalies.push(describeCycle(c, txns));
  const cyclesCapped = search.capped;

  const { valid, forbidden, verdict, messages, summary, anomalyTypes } = judgeAnomalies(model, anomalies, { txnCount: txns.length, possible: search.possible, cyclesCapped, maxCycles });
  return {
    valid,
    txnCount: txns.length,
    edgeCount: graph.edgeCount,
    consistencyModel: model,
    anomalyTypes,
    forbiddenAnomalyTypes: forbidden,
    possibleAnomalyTypes: search.possible,
    modelsRuledOut: verdict.ruledOut,
    weakestModelsRuledOut: verdict.weakestRuledOut,
    strongestConsistentModels: verdict.strongestConsistent,
    undecidedModels: verdict.undecided,
    summary,
    cyclesCapped,
    messages,
    anomalies,
  };
}

/**
 * Process edges: from each committed transaction to the next ones its client ran (up to
 * and including its next committed one; an indeterminate one in between may have taken
 * effect any time later, so it orders nothing after it). Realtime edges: from each
 * committed transaction to those invoked after it completed, reduced to the ones not
 * implied through another committed transaction (each invocation gets an edge from every
 * committed transaction that completed before it and precedes no other such one).
 * Failed transactions took no effect and get neither.
 */
export function addOrderEdges(graph: DependencyGraph, txns: readonly Pick<Txn, 'id' | 'op'>[]): void {
  const live = txns.filter((t) => t.op.type !== 'fail');
  const lastOk = new Map<unknown, Pick<Txn, 'id' | 'op'>>();
  for (const t of [...live].sort((x, y) => x.op.invoke.index - y.op.invoke.index)) {
    const p = t.op.process;
    if (p === undefined || p === null) continue;
    const prev = lastOk.get(p);
    if (prev) graph.add(prev.id, t.id, 'process', '');
    if (t.op.type === 'ok') lastOk.set(p, t);
  }
  const events: { at: number; t: Pick<Txn, 'id' | 'op'>; invoke: boolean }[] = [];
  for (const t of live) {
    events.push({ at: t.op.invoke.index, t, invoke: true });
    if (t.op.type === 'ok' && t.op.complete) events.push({ at: t.op.complete.index, t, invoke: false });
  }
  events.sort((x, y) => x.at - y.at);
  const frontier = new Set<number>();
  const preds = new Map<number, number[]>();
  for (const ev of events) {
    if (ev.invoke) {
      const ps = [...frontier];
      preds.set(ev.t.id, ps);
      for (const p of ps) graph.add(p, ev.t.id, 'realtime', '');
    } else {
      for (const p of preds.get(ev.t.id) ?? []) frontier.delete(p);
      frontier.add(ev.t.id);
    }
  }
}

/** An append of a value some ok or info transaction had already appended to the key. */
interface RepeatedAppend {
  key: string;
  rawKey: unknown;
  elem: string;
  first: Txn;
  again: Txn;
}

/**
 * Values appended twice to one key by transactions that may have committed (ok or info;
 * the same transaction twice counts too). List-append needs values unique per key: an
 * element that two appends could have put there names no single writer, so the keys
 * returned get no edges.
 */
function duplicateAppends(repeated: readonly RepeatedAppend[]): { keys: Set<string>; anomalies: ListAppendAnomaly[] } {
  const by = new Map<string, { rawKey: unknown; elem: string; txns: Txn[] }>(); // key \0 element -> appenders
  for (const { key, rawKey, elem, first, again } of repeated) {
    const id = `${key}\0${elem}`;
    const e = by.get(id);
    if (e) e.txns.push(again);
    else by.set(id, { rawKey, elem, txns: [first, again] });
  }
  const keys = new Set<string>();
  const anomalies: ListAppendAnomaly[] = [];
  for (const { rawKey, elem, txns: ts } of by.values()) {
    keys.add(keyOf(rawKey));
    anomalies.push({
      kind: 'duplicate-appends',
      message: `${elem} was appended to key ${show(rawKey)} ${ts.length} times; values must be unique per key, so no order is inferred for it`,
      ops: [...new Set(ts)].map(ref),
    });
  }
  return { keys, anomalies };
}

/**
 * Reads that hold an element their own transaction appends to the key only later: the
 * transaction saw its own future (Elle: a one-transaction G1c).
 */
function futureReads(txns: readonly Txn[]): ListAppendAnomaly[] {
  const out: ListAppendAnomaly[] = [];
  for (const t of txns) {
    if (t.op.type !== 'ok') continue;
    t.mops.forEach(([f, k, v], i) => {
      if (f !== 'r' || !Array.isArray(v)) return;
      const seen = new Set(v.map(elemOf));
      const key = keyOf(k);
      for (const [g, k2, v2] of t.mops.slice(i + 1)) {
        if (g !== 'append' || keyOf(k2) !== key || !seen.has(elemOf(v2))) continue;
        out.push({ kind: 'future-read', message: `a read of key ${show(k)} returned ${JSON.stringify(v)}, holding ${elemOf(v2)}, which its own transaction appended only afterwards`, ops: [ref(t)] });
        break;
      }
    });
  }
  return out;
}

/**
 * Committed transactions that read the same version of a key (their first read of it,
 * before appending to it) and then appended to it: whichever append came second was made
 * on a version the other had already changed, and the first one's update is lost to it.
 */
function lostUpdates(reads: readonly { txn: Txn; key: string; rawKey: unknown; list: string[] }[]): ListAppendAnomaly[] {
  // Bucketed by key, length and last element (cheap), then split by the whole list.
  const buckets = new Map<string, { rawKey: unknown; list: string[]; txns: Txn[] }[]>();
  for (const r of reads) {
    if (!r.txn.mops.some(([f, k]) => f === 'append' && keyOf(k) === r.key)) continue;
    const id = `${r.key}\0${r.list.length}\0${r.list[r.list.length - 1] ?? ''}`;
    let groups = buckets.get(id);
    if (!groups) buckets.set(id, (groups = []));
    const g = groups.find((x) => sameList(x.list, r.list));
    if (g) g.txns.push(r.txn);
    else groups.push({ rawKey: r.rawKey, list: r.list, txns: [r.txn] });
  }
  const out: ListAppendAnomaly[] = [];
  for (const groups of buckets.values()) {
    for (const { rawKey, list, txns: ts } of groups) {
      if (ts.length < 2) continue;
      out.push({
        kind: 'lost-update',
        message: `${ts.length} committed transactions read key ${show(rawKey)} at the same version [${list.join(',')}] and each appended to it: all but one appended to a version that had already changed`,
        ops: ts.map(ref),
      });
    }
  }
  return out;
}

/**
 * A committed (or indeterminate, since a read shows it took effect) transaction's append
 * directly after a failed transaction's append in a read of the key: it was applied on a
 * state that should never have existed.
 */
function dirtyUpdates(
  reads: readonly { txn: Txn; key: string; rawKey: unknown; list: string[] }[],
  writers: ReadonlyMap<string, ReadonlyMap<string, { txn: Txn }>>,
  failed: ReadonlyMap<string, ReadonlyMap<string, Txn>>,
): ListAppendAnomaly[] {
  const out: ListAppendAnomaly[] = [];
  const reported = new Set<string>();
  for (const r of reads) {
    const fails = failed.get(r.key);
    if (!fails) continue;
    for (let i = 0; i + 1 < r.list.length; i++) {
      const f = fails.get(r.list[i]!);
      const w = writers.get(r.key)?.get(r.list[i + 1]!);
      const id = `${r.key}\0${r.list[i]}`;
      if (!f || !w || reported.has(id)) continue;
      reported.add(id);
      out.push({
        kind: 'dirty-update',
        message: `key ${show(r.rawKey)}: ${r.list[i + 1]} was appended directly after ${r.list[i]}, which a transaction that failed appended (seen in [${r.list.join(',')}])`,
        ops: [ref(w.txn), ref(f), ref(r.txn)],
      });
    }
  }
  return out;
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
export function listAppend(o: ListAppendCheckOptions = {}): Checker {
  return {
    name: 'list-append',
    async check(history) {
      return checkListAppend(history, o);
    },
  };
}
