/**
 * The rw-register transactional checker, Elle's second workload (Kingsbury & Alvaro,
 * VLDB 2020, section 5). A transaction is a list of micro-ops on registers:
 *
 *   ['w', k, v]      sets k to v (v unique per key: every version names its writer)
 *   ['r', k, null]   reads k; the completion fills in its value (null: never written)
 *
 * Unlike list-append, a read shows one version, not the key's history, so the version
 * order must be inferred from what is certain:
 *
 *   - the initial state (null) precedes every written version;
 *   - a transaction that read v (or wrote it) and then wrote w installed w after v
 *     (transactions are atomic units; a committed one saw its own state);
 *   - with `linearizableKeys` (the database promises each key is linearizable, as most
 *     single-leader databases do), a committed write that finished before another began
 *     precedes it, and a read that began after a write finished saw that write or later;
 *   - with `sequentialKeys`, the same within each client process only.
 *
 * From the version order come ww (writer of v → writer of a later w), wr (writer of v →
 * reader of v) and rw (reader of v → writer of a later w) edges, and dependency-graph.ts
 * classifies their cycles. Without the flags fewer orders are known and fewer anomalies
 * can be proven: the result is sound either way, never a guess.
 *
 * Besides cycles: G1a (read a failed transaction's write), G1b (read an intermediate
 * version: its writer overwrote it in the same transaction), internal (a read that
 * disagrees with the transaction's own earlier micro-ops), garbage-read (a value nobody
 * wrote), duplicate-writes (a value written twice to one key: the workload broke the
 * uniqueness this checker needs, so that key is not used for inference), and
 * cyclic-versions (the inferred version order of a key contradicts itself).
 */
import type { CompletedOp, Op } from '../../core/op.js';
import { pairOps } from '../../core/history-reader.js';
import type { Checker, CheckResult } from '../checker.js';
import { CONSISTENCY_MODELS, isConsistencyModel, type ConsistencyModel } from './consistency-models.js';
import { DependencyGraph, searchCycles } from './dependency-graph.js';
import { addOrderEdges } from './list-append.js';
import { describeCycle, judgeAnomalies, keyOf, txnRef as ref, type TxnAnomaly } from './txn-findings.js';

export type RwMicroOp = ['w', unknown, unknown] | ['r', unknown, unknown];

interface RwTxn {
  id: number;
  op: CompletedOp;
  mops: RwMicroOp[];
}

/** Read anomalies, and cycles ('G0' … 'G2-item', also with '-process' or '-realtime'). */
type RwAnomalyKind = string;

type RwAnomaly = TxnAnomaly & { kind: RwAnomalyKind };

interface RwRegisterOptions {
  /** Each key is linearizable: real-time order of committed writes and reads is version order. */
  linearizableKeys?: boolean;
  /** Each key is sequentially consistent: per-process order of writes and reads is version order. */
  sequentialKeys?: boolean;
  maxCycles?: number;
  /** The model the verdict is against [serializable] (consistency-models.ts). */
  consistencyModel?: ConsistencyModel;
}

interface RwRegisterResult extends CheckResult {
  txnCount: number;
  edgeCount: number;
  /** The model the verdict is against, and what the anomalies say about every model (as list-append's). */
  consistencyModel: ConsistencyModel;
  anomalyTypes: string[];
  forbiddenAnomalyTypes: string[];
  modelsRuledOut: ConsistencyModel[];
  strongestConsistentModels: ConsistencyModel[];
  undecidedModels: ConsistencyModel[];
  summary: string;
  cyclesCapped: boolean;
  messages: string[];
  anomalies: RwAnomaly[];
  /** The version-order assumptions the inference used. */
  assumptions: string[];
}

/** A version's identity within its key; null is the initial version. */
const verOf = (v: unknown): string => JSON.stringify(v ?? null);
const INITIAL = 'null';

function micro(value: unknown): RwMicroOp[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: RwMicroOp[] = [];
  for (const m of value) {
    if (!Array.isArray(m) || m.length !== 3 || (m[0] !== 'w' && m[0] !== 'r')) return undefined;
    out.push([m[0], m[1], m[2]] as RwMicroOp);
  }
  return out;
}

/** The register transactions of a history (f "txn"). */
function rwTransactions(history: readonly Op[]): RwTxn[] {
  const txns: RwTxn[] = [];
  for (const op of pairOps(history)) {
    if (op.process === 'nemesis' || op.f !== 'txn') continue;
    const mops = micro(op.type === 'ok' ? op.result : op.value);
    if (!mops) throw new Error(`op ${op.invoke.index}: a txn's value must be a list of ['w', k, v] or ['r', k, v] micro-ops`);
    txns.push({ id: txns.length, op, mops });
  }
  return txns;
}


interface Write {
  txn: RwTxn;
  /** The same transaction wrote the key again afterwards: this version was intermediate. */
  superseded: boolean;
}

/** A read another transaction could have caused: the first access of the key in its transaction. */
interface ExternalRead {
  txn: RwTxn;
  key: string;
  rawKey: unknown;
  version: string;
}

/** Per key, a directed graph of versions ("a precedes b"), kept small: edges as adjacency sets. */
class VersionOrder {
  readonly next = new Map<string, Set<string>>();
  add(a: string, b: string): void {
    if (a === b) return;
    let s = this.next.get(a);
    if (!s) this.next.set(a, (s = new Set()));
    s.add(b);
  }
  /** Two versions on a cycle, if the order contradicts itself (iterative DFS). */
  cycle(): [string, string] | undefined {
    const state = new Map<string, 1 | 2>();
    for (const root of this.next.keys()) {
      if (state.has(root)) continue;
      const stack: { v: string; it: Iterator<string> }[] = [{ v: root, it: (this.next.get(root) ?? new Set<string>()).values() }];
      state.set(root, 1);
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        const n = top.it.next();
        if (n.done) {
          state.set(top.v, 2);
          stack.pop();
          continue;
        }
        const s = state.get(n.value);
        if (s === 1) return [top.v, n.value];
        if (s === undefined) {
          state.set(n.value, 1);
          stack.push({ v: n.value, it: (this.next.get(n.value) ?? new Set<string>()).values() });
        }
      }
    }
    return undefined;
  }
}

export function checkRwRegister(history: readonly Op[], o: RwRegisterOptions = {}): RwRegisterResult {
  const model = o.consistencyModel ?? 'serializable';
  if (!isConsistencyModel(model)) throw new Error(`unknown consistency model "${String(model)}"; models: ${CONSISTENCY_MODELS.join(', ')}`);
  const txns = rwTransactions(history);
  const anomalies: RwAnomaly[] = [];
  const writes = new Map<string, Map<string, Write>>(); // key -> version -> write
  const failedWrites = new Map<string, Map<string, RwTxn>>();
  const duplicated = new Set<string>();
  const inner = <V>(table: Map<string, Map<string, V>>, key: string): Map<string, V> => {
    let m = table.get(key);
    if (!m) table.set(key, (m = new Map()));
    return m;
  };

  for (const t of txns) {
    const last = new Map<string, Write>();
    for (const [f, k, v] of t.mops) {
      if (f !== 'w') continue;
      const key = keyOf(k);
      const ver = verOf(v);
      if (t.op.type === 'fail') {
        inner(failedWrites, key).set(ver, t);
        continue;
      }
      const table = inner(writes, key);
      const before = table.get(ver);
      if (before && !duplicated.has(key)) {
        duplicated.add(key);
        anomalies.push({ kind: 'duplicate-writes', message: `key ${keyOf(k)}: value ${ver} was written twice; rw-register needs unique writes per key, so this key's versions cannot be told apart and are not used`, ops: [ref(before.txn), ref(t)] });
      }
      const w: Write = { txn: t, superseded: false };
      const prev = last.get(key);
      if (prev) prev.superseded = true;
      table.set(ver, w);
      last.set(key, w);
    }
  }

  // Reads: internal consistency, and the external ones (first access of a key) as evidence.
  const externalReads: ExternalRead[] = [];
  const orders = new Map<string, VersionOrder>();
  const order = (key: string): VersionOrder => {
    let vo = orders.get(key);
    if (!vo) orders.set(key, (vo = new VersionOrder()));
    return vo;
  };
  for (const t of txns) {
    const committed = t.op.type === 'ok';
    // What this transaction knows each key to hold: after its own write or its first read.
    const state = new Map<string, string>();
    for (const [f, k, v] of t.mops) {
      const key = keyOf(k);
      if (f === 'w') {
        const ver = verOf(v);
        const before = state.get(key);
        // Only a committed transaction's view is evidence of order; info/fail prove nothing.
        if (committed && before !== undefined) order(key).add(before, ver);
        state.set(key, ver);
        continue;
      }
      if (!committed) continue;
      const ver = verOf(v);
      const known = state.get(key);
      if (known !== undefined && known !== ver) {
        anomalies.push({ kind: 'internal', message: `a read of key ${keyOf(k)} returned ${ver}, but the transaction's own earlier micro-ops imply ${known}`, ops: [ref(t)] });
      }
      if (known === undefined) externalReads.push({ txn: t, key, rawKey: k, version: ver });
      state.set(key, ver);
    }
  }

  for (const r of externalReads) {
    if (r.version === INITIAL) continue;
    const w = writes.get(r.key)?.get(r.version);
    if (!w) {
      const failed = failedWrites.get(r.key)?.get(r.version);
      if (failed) anomalies.push({ kind: 'G1a', message: `a read of key ${keyOf(r.rawKey)} saw ${r.version}, written by a transaction that failed`, ops: [ref(r.txn), ref(failed)] });
      else anomalies.push({ kind: 'garbage-read', message: `a read of key ${keyOf(r.rawKey)} saw ${r.version}, which no transaction wrote`, ops: [ref(r.txn)] });
    } else if (w.superseded && w.txn !== r.txn) {
      anomalies.push({ kind: 'G1b', message: `a read of key ${keyOf(r.rawKey)} saw ${r.version}, an intermediate version: its transaction wrote the key again afterwards`, ops: [ref(r.txn), ref(w.txn)] });
    }
  }

  // The initial version precedes every written one.
  for (const [key, table] of writes) for (const ver of table.keys()) order(key).add(INITIAL, ver);

  const assumptions = ['initial state precedes every write', "a committed transaction's own read/write order"];
  if (o.linearizableKeys || o.sequentialKeys) {
    assumptions.push(o.linearizableKeys ? 'linearizable keys (real-time order)' : 'sequential keys (per-process order)');
    addAssumedOrder(txns, order, o.linearizableKeys ? 'realtime' : 'process');
  }

  const usable = (key: string): boolean => !duplicated.has(key);
  for (const [key, vo] of orders) {
    if (!usable(key)) continue;
    const c = vo.cycle();
    if (!c) continue;
    duplicated.add(key); // not usable for edges either
    const who = (ver: string) => writes.get(key)?.get(ver)?.txn;
    const ops = [who(c[0]), who(c[1])].filter((t): t is RwTxn => t !== undefined).map(ref);
    anomalies.push({ kind: 'cyclic-versions', message: `key ${key}: the inferred version order contradicts itself (${c[0]} comes both before and after ${c[1]})`, ops });
  }

  // Dependency edges from each key's version order.
  const graph = new DependencyGraph();
  const readersOf = new Map<string, Map<string, RwTxn[]>>();
  for (const r of externalReads) {
    const m = inner(readersOf, r.key);
    const list = m.get(r.version) ?? [];
    list.push(r.txn);
    m.set(r.version, list);
  }
  for (const [key, vo] of orders) {
    if (!usable(key)) continue;
    const table = writes.get(key);
    const writerOf = (ver: string): RwTxn | undefined => (ver === INITIAL ? undefined : table?.get(ver)?.txn);
    for (const [a, nexts] of vo.next) {
      const wa = writerOf(a);
      for (const b of nexts) {
        const wb = writerOf(b);
        if (wa && wb) graph.add(wa.id, wb.id, 'ww', key);
        if (wb) for (const reader of readersOf.get(key)?.get(a) ?? []) graph.add(reader.id, wb.id, 'rw', key);
      }
    }
    for (const [ver, readers] of readersOf.get(key) ?? []) {
      const w = writerOf(ver);
      if (w) for (const reader of readers) graph.add(w.id, reader.id, 'wr', key);
    }
  }
  addOrderEdges(graph, txns);
  const maxCycles = o.maxCycles ?? 20;
  const search = searchCycles(graph, { orders: ['data', 'process', 'realtime'], limit: maxCycles, known: anomalies.map((a) => a.kind) });
  for (const c of search.cycles) anomalies.push(describeCycle(c, txns));
  const cyclesCapped = search.capped;

  // A duplicate write is the workload's fault, not the database's: it alone makes the
  // verdict unknown (that key proves nothing), not invalid.
  const { valid, forbidden, verdict, messages, summary, anomalyTypes } = judgeAnomalies(model, anomalies, { txnCount: txns.length, possible: search.possible, cyclesCapped, maxCycles, unjudged: ['duplicate-writes'] });
  return {
    valid,
    txnCount: txns.length,
    edgeCount: graph.edgeCount,
    consistencyModel: model,
    anomalyTypes,
    forbiddenAnomalyTypes: forbidden,
    modelsRuledOut: verdict.ruledOut,
    strongestConsistentModels: verdict.strongestConsistent,
    undecidedModels: verdict.undecided,
    summary,
    cyclesCapped,
    messages,
    anomalies,
    assumptions,
  };
}

/**
 * Version order from an assumption about each key: for two committed transactions where
 * the first finished before the second began (realtime) or came first in the same process
 * (process), the version the first left on a key precedes what the second wrote on it or
 * equals or precedes what it read.
 */
function addAssumedOrder(txns: readonly RwTxn[], order: (key: string) => VersionOrder, kind: 'realtime' | 'process'): void {
  interface Access {
    t: RwTxn;
    start: number;
    end: number;
    /** Per key: the first version it saw or wrote, and the last it left. */
    first: Map<string, string>;
    last: Map<string, string>;
  }
  const accesses: Access[] = [];
  for (const t of txns) {
    if (t.op.type !== 'ok' || !t.op.complete) continue;
    const first = new Map<string, string>();
    const last = new Map<string, string>();
    for (const [, k, v] of t.mops) {
      const key = keyOf(k);
      const ver = verOf(v);
      if (!first.has(key)) first.set(key, ver);
      last.set(key, ver);
    }
    accesses.push({ t, start: t.op.invoke.index, end: t.op.complete.index, first, last });
  }
  // Per key, each access is linked to its immediate successors only: the accesses that
  // began after it ended and before any other such access ended. Real-time (and process)
  // precedence is transitive and each access's own first→last order is already known, so
  // the rest of the order follows from these links, and the work stays near-linear.
  const byKey = new Map<string, Access[]>();
  for (const a of accesses) for (const key of a.first.keys()) (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(a);
  for (const [key, list] of byKey) {
    const groups = kind === 'process' ? groupBy(list, (a) => String(a.t.op.process)) : [list];
    for (const g of groups) {
      const byStart = [...g].sort((a, b) => a.start - b.start);
      for (const a of g) {
        // Binary search: the first access that began after a ended.
        let lo = 0;
        let hi = byStart.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (byStart[mid]!.start > a.end) hi = mid;
          else lo = mid + 1;
        }
        let frontierEnd = Infinity;
        for (let k = lo; k < byStart.length && byStart[k]!.start < frontierEnd; k++) {
          const b = byStart[k]!;
          frontierEnd = Math.min(frontierEnd, b.end);
          const from = a.last.get(key)!;
          const to = b.first.get(key)!;
          if (from !== to) order(key).add(from, to);
        }
      }
    }
  }
}

function groupBy<T>(xs: readonly T[], by: (x: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const x of xs) (m.get(by(x)) ?? m.set(by(x), []).get(by(x))!).push(x);
  return [...m.values()];
}

/** The checker: see checkRwRegister. */
export function rwRegister(o: RwRegisterOptions = {}): Checker {
  return {
    name: 'rw-register',
    async check(history) {
      return checkRwRegister(history, o);
    },
  };
}
