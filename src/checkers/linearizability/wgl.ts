/**
 * The linearizability search over one partition: Wing & Gong's backtracking search with
 * Lowe's memoisation, as in Porcupine.
 *
 * Every op contributes a call entry (at its invocation) and a return entry (at its
 * completion; +infinity when the outcome is unknown) to one list sorted by time. The
 * search walks the list from the front and tries to linearize each call it meets, i.e.
 * apply the op to the model state and take both its entries out of the list. Meeting a
 * return means its op had to take effect before now but could not be placed: undo the
 * last choice and try the next call after it. A configuration (set of linearized ops,
 * model state) seen before cannot lead anywhere new, so it is pruned.
 *
 * Ops of unknown outcome may never have happened: the search succeeds as soon as every
 * op that completed `ok` is linearized, whatever is left of the others.
 */
import type { CompletedOp } from '../../core/op.js';
import type { Model } from './model.js';

export interface SearchOptions {
  /** Give up with `unknown` once `Date.now()` passes this (ms timestamp). */
  deadline?: number;
  /** Give up with `unknown` once the memo holds more configurations than this. */
  maxMemo?: number;
  /** Give up with `unknown` after this many iterations (lets a caller try easy work first). */
  maxIterations?: number;
}

export type UnknownReason = 'timeout' | 'memo-limit' | 'iteration-limit';

/** An op named by the history index of its invocation, with the model's description. */
export interface OpRef {
  index: number;
  op: string;
}

/** Why a partition is not linearizable, from the deepest point the search reached. */
export interface Explanation {
  /** Invocation indices of the longest linearizable prefix found, in linearization order. */
  prefix: number[];
  /** The model states reachable by linearizing exactly the ops of `prefix` (capped). */
  states: string[];
  /** Ops pending at that point: none can take effect from any of `states`. */
  next: OpRef[];
  /** The earliest-completing pending op: it had to take effect before completing. */
  blocking?: OpRef;
  message: string;
}

export interface SearchStats {
  /** Loop iterations (calls tried plus backtracks). */
  iterations: number;
  /** Configurations in the memo when the search ended. */
  memoSize: number;
  elapsedMs: number;
}

export type SearchResult =
  | { valid: true; /** Invocation indices in a valid order. */ linearization: number[]; stats: SearchStats }
  | { valid: false; explanation: Explanation; stats: SearchStats }
  | { valid: 'unknown'; reason: UnknownReason; stats: SearchStats };

/** How often (in iterations) the deadline is read; Date.now() is not free. */
const DEADLINE_CHECK_EVERY = 4096;
/** Explanations list at most this many alternative states. */
const MAX_EXPLAINED_STATES = 16;

/**
 * Searches for a linearization of `ops` (one partition, in invocation order) under
 * `model`. `fail` ops are ignored: they did not happen.
 */
export function searchLinearization<S>(
  model: Model<S>,
  allOps: readonly CompletedOp[],
  opts: SearchOptions = {},
): SearchResult {
  const startedAt = Date.now();
  const deadline = opts.deadline ?? Infinity;
  const maxMemo = opts.maxMemo ?? Infinity;
  const maxIterations = opts.maxIterations ?? Infinity;
  const ops = allOps.filter((o) => o.type !== 'fail');
  const n = ops.length;

  const fs = ops.map((o) => o.f);
  const inputs = ops.map((o) => o.value);
  const outputs = ops.map((o) => (o.type === 'ok' ? o.result : undefined));
  const mustLinearize = Uint8Array.from(ops, (o) => (o.type === 'ok' ? 1 : 0));
  let okLeft = mustLinearize.reduce((a, b) => a + b, 0);

  const list = new EntryList(ops);
  const lin = new OpSet(n);
  const memo = new Memo(model, lin.words);
  const opStack = new Int32Array(n);
  const stateStack: S[] = [];
  let depth = 0;
  let state = model.init();
  memo.add(lin, state);

  // The deepest configuration reached, for the explanation when the search fails.
  let best = { depth: -1, prefix: [] as number[], set: lin.copy(), states: [] as S[], pending: [] as number[] };
  let blockingOp: number | undefined;
  const record = (): void => {
    if (depth > best.depth) {
      const pending = list.pendingCalls();
      best = { depth, prefix: Array.from(opStack.subarray(0, depth)), set: lin.copy(), states: [state], pending: pending.calls };
      blockingOp = pending.firstReturn;
    } else if (
      depth === best.depth &&
      best.states.length < MAX_EXPLAINED_STATES &&
      lin.equals(best.set) &&
      !best.states.some((s) => model.equal(s, state))
    ) {
      best.states.push(state);
    }
  };
  record();

  let iterations = 0;
  const stats = (): SearchStats => ({ iterations, memoSize: memo.size, elapsedMs: Date.now() - startedAt });
  const ref = (id: number): OpRef => {
    const op = ops[id]!;
    return { index: op.invoke.index, op: model.describeOp(op) };
  };

  let entry = list.first();
  for (;;) {
    if (okLeft === 0) {
      return { valid: true, linearization: Array.from(opStack.subarray(0, depth), (id) => ops[id]!.invoke.index), stats: stats() };
    }
    if (++iterations % DEADLINE_CHECK_EVERY === 0 && Date.now() > deadline) {
      return { valid: 'unknown', reason: 'timeout', stats: stats() };
    }
    if (iterations > maxIterations) return { valid: 'unknown', reason: 'iteration-limit', stats: stats() };
    if (entry !== NONE && isCall(entry)) {
      const id = opOf(entry);
      const r = model.step(state, fs[id]!, inputs[id], outputs[id]);
      if (r.ok) {
        lin.toggle(id);
        if (memo.add(lin, r.state)) {
          if (memo.size > maxMemo) return { valid: 'unknown', reason: 'memo-limit', stats: stats() };
          opStack[depth] = id;
          stateStack[depth] = state;
          depth++;
          state = r.state;
          list.lift(id);
          okLeft -= mustLinearize[id]!;
          record();
          entry = list.first();
          continue;
        }
        lin.toggle(id); // seen before: nothing new down this path
      }
      entry = list.next(entry);
    } else {
      // A return (or, defensively, the end): the op before it cannot be placed. Backtrack.
      if (depth === 0) break;
      depth--;
      const id = opStack[depth]!;
      state = stateStack[depth]!;
      lin.toggle(id);
      list.unlift(id);
      okLeft += mustLinearize[id]!;
      entry = list.next(callEntry(id));
    }
  }

  const states = best.states.map((s) => model.describeState(s));
  const blocking = blockingOp === undefined ? undefined : ref(blockingOp);
  const explanation: Explanation = {
    prefix: best.prefix.map((id) => ops[id]!.invoke.index),
    states,
    next: best.pending.map(ref),
    message:
      `not linearizable: after ${best.depth} op(s) the state is ${states.join(' or ')}; ` +
      (blocking ? `${blocking.op} (invoked at index ${blocking.index}) had to take effect before completing, but ` : '') +
      `none of the ${best.pending.length} pending op(s) can take effect next`,
  };
  if (blocking) explanation.blocking = blocking;
  return { valid: false, explanation, stats: stats() };
}

// ---- the entry list ----------------------------------------------------------------------

const NONE = -1;
/** Entry ids: op i has call entry 2i and return entry 2i+1. */
const callEntry = (op: number): number => op << 1;
const isCall = (entry: number): boolean => (entry & 1) === 0;
const opOf = (entry: number): number => entry >> 1;

/**
 * A doubly linked list of call/return entries in time order, in typed arrays. Lifting an
 * op unlinks its two entries but leaves their own links intact, so unlifting in reverse
 * order relinks them exactly (dancing links).
 */
class EntryList {
  private readonly nextOf: Int32Array;
  private readonly prevOf: Int32Array;
  private readonly head: number;

  constructor(ops: readonly CompletedOp[]) {
    const n = ops.length;
    this.head = 2 * n;
    this.nextOf = new Int32Array(2 * n + 1).fill(NONE);
    this.prevOf = new Int32Array(2 * n + 1).fill(NONE);
    const events: { time: number; entry: number }[] = [];
    ops.forEach((op, i) => {
      events.push({ time: op.invoke.index, entry: callEntry(i) });
      // Unknown outcome: it may take effect arbitrarily late, so it never forces anything.
      const ret = op.type === 'ok' && op.complete ? op.complete.index : Infinity;
      events.push({ time: ret, entry: callEntry(i) + 1 });
    });
    // Times tie only between infinite returns (order irrelevant); on a tie calls go first,
    // the reading that allows the most overlap.
    events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : (a.entry & 1) - (b.entry & 1)));
    let prev = this.head;
    for (const { entry } of events) {
      this.nextOf[prev] = entry;
      this.prevOf[entry] = prev;
      prev = entry;
    }
  }

  first(): number {
    return this.nextOf[this.head]!;
  }

  next(entry: number): number {
    return this.nextOf[entry]!;
  }

  lift(op: number): void {
    this.unlink(callEntry(op));
    this.unlink(callEntry(op) + 1);
  }

  unlift(op: number): void {
    this.relink(callEntry(op) + 1);
    this.relink(callEntry(op));
  }

  /** The ops whose calls precede the first return, and that return's op. */
  pendingCalls(): { calls: number[]; firstReturn?: number } {
    const calls: number[] = [];
    let e = this.first();
    while (e !== NONE && isCall(e)) {
      calls.push(opOf(e));
      e = this.next(e);
    }
    return e === NONE ? { calls } : { calls, firstReturn: opOf(e) };
  }

  private unlink(e: number): void {
    const p = this.prevOf[e]!;
    const nx = this.nextOf[e]!;
    this.nextOf[p] = nx;
    if (nx !== NONE) this.prevOf[nx] = p;
  }

  private relink(e: number): void {
    const p = this.prevOf[e]!;
    const nx = this.nextOf[e]!;
    this.nextOf[p] = e;
    if (nx !== NONE) this.prevOf[nx] = e;
  }
}

// ---- the set of linearized ops -----------------------------------------------------------

/** Per-op random words: XOR of those of the members hashes a set incrementally (Zobrist). */
function zobristWords(n: number): Uint32Array {
  const words = new Uint32Array(n);
  let s = 0x9e3779b9; // fixed seed: runs are reproducible
  for (let i = 0; i < n; i++) {
    // mulberry32
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    words[i] = (t ^ (t >>> 14)) >>> 0;
  }
  return words;
}

class OpSet {
  readonly words: number;
  readonly bits: Uint32Array;
  /** Zobrist hash of the members, kept up to date by toggle. */
  hash = 0;
  private readonly zobrist: Uint32Array;

  constructor(n: number) {
    this.words = Math.max(1, Math.ceil(n / 32));
    this.bits = new Uint32Array(this.words);
    this.zobrist = zobristWords(n);
  }

  toggle(op: number): void {
    this.bits[op >>> 5]! ^= 1 << (op & 31);
    this.hash ^= this.zobrist[op]!;
  }

  copy(): Uint32Array {
    return this.bits.slice();
  }

  equals(other: Uint32Array): boolean {
    for (let i = 0; i < this.words; i++) if (this.bits[i] !== other[i]) return false;
    return true;
  }
}

// ---- the memo ----------------------------------------------------------------------------

function hashString(s: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The configurations (set of linearized ops, model state) seen so far. Sets are stored
 * in one growing pool of words; entries with the same combined hash are chained.
 */
class Memo<S> {
  size = 0;
  private readonly heads = new Map<number, number>();
  private chain = new Int32Array(1024);
  private pool: Uint32Array;
  private readonly states: S[] = [];

  constructor(
    private readonly model: Model<S>,
    private readonly words: number,
  ) {
    this.pool = new Uint32Array(1024 * words);
  }

  /** Adds the configuration; false when it was already there. */
  add(set: OpSet, state: S): boolean {
    const h = this.model.hash(state);
    const key = (set.hash ^ Math.imul(typeof h === 'number' ? h : hashString(h), 0x9e3779b1)) | 0;
    const first = this.heads.get(key);
    for (let e = first ?? NONE; e !== NONE; e = this.chain[e]!) {
      if (this.sameSet(e, set.bits) && this.model.equal(this.states[e]!, state)) return false;
    }
    const e = this.size++;
    if (e >= this.chain.length) this.grow();
    this.pool.set(set.bits, e * this.words);
    this.states.push(state);
    this.chain[e] = first ?? NONE;
    this.heads.set(key, e);
    return true;
  }

  private sameSet(e: number, bits: Uint32Array): boolean {
    const base = e * this.words;
    for (let i = 0; i < this.words; i++) if (this.pool[base + i] !== bits[i]) return false;
    return true;
  }

  private grow(): void {
    const chain = new Int32Array(this.chain.length * 2);
    chain.set(this.chain);
    this.chain = chain;
    const pool = new Uint32Array(this.pool.length * 2);
    pool.set(this.pool);
    this.pool = pool;
  }
}
