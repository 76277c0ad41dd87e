/**
 * The linearizability search over one partition: Wing & Gong's backtracking search with
 * Lowe's memoisation (the algorithm of Porcupine), made cheaper per step and with four
 * reductions that keep it exact (each is justified where it is applied):
 *
 * - States are interned to integers and steps are cached (states.ts), so a configuration
 *   is (bitset with an incremental Zobrist hash, state id) in a typed-array memo (memo.ts).
 * - Reads go first: a pending read-only op that can take effect in the current state is
 *   linearized at once, with no alternative tried. Any linearization from here that
 *   places it later can move it to the front: it does not change the state, and every op
 *   that had to precede it is already linearized (its call precedes the first pending
 *   return). So the configuration succeeds iff the one with the read does; if that one
 *   is already in the memo (failed), this one fails too.
 * - Identical concurrent ops are linearized in one canonical order (symmetry.ts).
 * - The model may say a pending read can no longer succeed (Model.reachability): then
 *   the configuration is dead at once, not after exploring everything up to that read.
 *   This is what decides Porcupine's hard kv histories in milliseconds.
 * - An op of unknown outcome is never linearized where it would not change the state,
 *   nor right before a blind write (Model.blind) that would overwrite it unseen, and is
 *   left out altogether when nothing could observe its effect (Model.unobserved).
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
import { callEntry, EntryList, isCall, NONE, opOf } from './entry-list.js';
import { Memo, MemoFull } from './memo.js';
import type { Model } from './model.js';
import { OpSet } from './op-set.js';
import { MAX_STATES, REJECTED, StateTable } from './states.js';
import { dominators } from './symmetry.js';

export interface SearchOptions {
  /** Give up with `unknown` once `Date.now()` passes this (ms timestamp). */
  deadline?: number;
  /** Give up with `unknown` once the memo holds more configurations than this. */
  maxMemo?: number;
  /** Give up with `unknown` once the memo and state table hold about this many bytes. */
  maxBytes?: number;
  /** Give up with `unknown` after this many iterations (lets a caller try easy work first). */
  maxIterations?: number;
}

type UnknownReason = 'timeout' | 'memo-limit' | 'iteration-limit';

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
  /** Distinct model states met. */
  states: number;
  /** Bytes the memo and state table held at the end (their peak: they only grow). */
  bytes: number;
  /** Ops of unknown outcome left out because nothing could observe them. */
  dropped: number;
  elapsedMs: number;
}

export type SearchResult =
  | { valid: true; /** Invocation indices in a valid order. */ linearization: number[]; stats: SearchStats }
  | { valid: false; explanation: Explanation; stats: SearchStats }
  | { valid: 'unknown'; reason: UnknownReason; stats: SearchStats };

/** How often (in iterations) the deadline and memory are read; Date.now() is not free. */
const CHECK_EVERY = 4096;
/**
 * The dead-state lookahead checks at most this many reads, within this many entries of
 * the front. A cost per configuration, against how early a doomed read is noticed: on
 * Porcupine's c50-bad, 128 entries leave a key undecided for minutes, 256 decide all.
 */
const LOOKAHEAD_READS = 64;
const LOOKAHEAD_ENTRIES = 256;
/** Every this many configurations, the lookahead walks this far instead. */
const DEEP_LOOKAHEAD_EVERY = 16;
const DEEP_LOOKAHEAD_ENTRIES = 4096;
/** Explanations list at most this many alternative states. */
const MAX_EXPLAINED_STATES = 16;

/**
 * Searches for a linearization of `ops` (one partition, in invocation order) under
 * `model`. `fail` ops are ignored: they did not happen.
 */
export function searchLinearization<S>(model: Model<S>, allOps: readonly CompletedOp[], opts: SearchOptions = {}): SearchResult {
  const startedAt = Date.now();
  const deadline = opts.deadline ?? Infinity;
  const maxMemo = opts.maxMemo ?? Infinity;
  const maxBytes = opts.maxBytes ?? Infinity;
  const maxIterations = opts.maxIterations ?? Infinity;
  const live = allOps.filter((o) => o.type !== 'fail');
  // Ops of unknown outcome whose effect nothing can observe need not happen (Model.unobserved).
  const unobserved = model.unobserved?.(live.map((o) => ({ f: o.f, input: o.value, output: o.type === 'ok' ? o.result : undefined })));
  const ops = unobserved === undefined ? live : live.filter((o, i) => o.type === 'ok' || !unobserved(i));
  const dropped = live.length - ops.length;
  const n = ops.length;

  const outputs = ops.map((o) => (o.type === 'ok' ? o.result : undefined));
  const table = new StateTable(
    model,
    ops.map((o) => o.f),
    ops.map((o) => o.value),
    outputs,
  );
  const mustLinearize = Uint8Array.from(ops, (o) => (o.type === 'ok' ? 1 : 0));
  const readOnly = Uint8Array.from(ops, (o) => (model.readOnly?.(o.f) ? 1 : 0));
  const blind = Uint8Array.from(ops, (o) => (model.blind?.(o.f) ? 1 : 0));
  const dom = dominators(ops);
  let okLeft = mustLinearize.reduce((a, b) => a + b, 0);

  const list = new EntryList(ops);
  const lin = new OpSet(n);
  const memo = new Memo(lin.words, maxBytes);
  const opStack = new Int32Array(n);
  const stateStack = new Int32Array(n);
  /** 1 where the frame's op was a read taken without alternatives (see above). */
  const forcedStack = new Uint8Array(n);

  let depth = 0;
  let state = table.intern(model.init());
  memo.add(lin, state);

  // The deepest configuration the search had to leave, for the explanation when it
  // fails. Taken when backtracking (not on every step: copying the set and prefix at each
  // new depth would make a long, easy history quadratic).
  let best = { depth: -1, prefix: new Int32Array(0), set: lin.copy(), hash: 0, states: [] as number[] };
  /** A read the lookahead found can never succeed from the deepest configuration. */
  let deadRead: number | undefined;
  /** The read that made `alive` reject the current configuration, if it did. */
  let deadHere: number | undefined;
  const leaving = (): void => {
    if (depth > best.depth) {
      best = { depth, prefix: opStack.slice(0, depth), set: lin.copy(), hash: lin.hash, states: [state] };
      deadRead = deadHere;
    } else if (
      depth === best.depth &&
      best.hash === lin.hash &&
      best.states.length < MAX_EXPLAINED_STATES &&
      !best.states.includes(state) &&
      lin.equals(best.set)
    ) {
      best.states.push(state);
    }
  };

  const lookahead = model.reachability?.(ops.map((o, i) => ({ f: o.f, input: o.value, output: outputs[i] })));
  /**
   * False when some pending read can no longer succeed: it must take effect before it
   * returns, so only ops invoked before that can change the state first (Model.reachability).
   * Looks at the first reads to return, where a dead state shows soonest.
   */
  let walks = 0;
  const alive = (): boolean => {
    if (lookahead === undefined) return true;
    lookahead.start(table.states[state]!);
    // Now and then the walk goes much further, for reads doomed long before they return.
    const deep = ++walks % DEEP_LOOKAHEAD_EVERY === 0;
    const maxEntries = deep ? DEEP_LOOKAHEAD_ENTRIES : LOOKAHEAD_ENTRIES;
    const maxReads = deep ? DEEP_LOOKAHEAD_ENTRIES : LOOKAHEAD_READS;
    let checked = 0;
    let seen = 0;
    for (let e = list.first(); e !== NONE && seen < maxEntries; e = list.next(e), seen++) {
      const id = opOf(e);
      if (isCall(e)) {
        if (readOnly[id] === 0) lookahead.add(id);
      } else if (readOnly[id] === 1 && mustLinearize[id] === 1) {
        if (!lookahead.check(id)) {
          deadHere = id;
          return false;
        }
        if (++checked === maxReads) break;
      }
    }
    return true;
  };

  /** A pending read that can take effect now, or NONE. */
  const readableNow = (): number => {
    for (let e = list.first(); e !== NONE && isCall(e); e = list.next(e)) {
      const id = opOf(e);
      if (readOnly[id] === 1 && table.step(state, id) === state) return id;
    }
    return NONE;
  };

  let iterations = 0;
  const stats = (): SearchStats => ({
    iterations,
    memoSize: memo.size,
    states: table.states.length,
    bytes: memo.bytes + table.bytes,
    dropped,
    elapsedMs: Date.now() - startedAt,
  });
  const ref = (id: number): OpRef => {
    const op = ops[id]!;
    return { index: op.invoke.index, op: model.describeOp(op) };
  };
  const push = (id: number, next: number, forced: 0 | 1): void => {
    opStack[depth] = id;
    stateStack[depth] = state;
    forcedStack[depth] = forced;
    depth++;
    state = next;
    list.lift(id);
    okLeft -= mustLinearize[id]!;
    deadHere = undefined;
  };

  // The memo refuses to grow past the memory budget, and an allocation can fail
  // outright: either way the answer is "unknown", never a crash.
  try {
    return search();
  } catch (e) {
    if (e instanceof MemoFull || e instanceof RangeError) return { valid: 'unknown', reason: 'memo-limit', stats: stats() };
    throw e;
  }

  function search(): SearchResult {
    let entry = list.first();
    /** True on arriving at a configuration: look for a read to take first. */
    let arrived = true;
    let skipAlive = false;
    for (;;) {
      if (okLeft === 0) {
        return { valid: true, linearization: Array.from(opStack.subarray(0, depth), (id) => ops[id]!.invoke.index), stats: stats() };
      }
      if (++iterations % CHECK_EVERY === 0) {
        if (Date.now() > deadline) return { valid: 'unknown', reason: 'timeout', stats: stats() };
        if (memo.bytes + table.bytes > maxBytes || table.states.length > MAX_STATES) return { valid: 'unknown', reason: 'memo-limit', stats: stats() };
      }
      if (iterations > maxIterations) return { valid: 'unknown', reason: 'iteration-limit', stats: stats() };

      let backtrack = false;
      if (arrived) {
        arrived = false;
        const r = readableNow();
        if (r !== NONE) {
          lin.toggle(r);
          if (memo.add(lin, state)) {
            if (memo.size > maxMemo) return { valid: 'unknown', reason: 'memo-limit', stats: stats() };
            push(r, state, 1);
            // Arriving by a read: same state and writers as before it, so `alive` would
            // answer as it did; only a read to take next is looked for.
            arrived = true;
            skipAlive = true;
            entry = list.first();
            continue;
          }
          lin.toggle(r);
          backtrack = true; // the configuration with the read failed before, so this one fails
        } else if (!skipAlive && !alive()) {
          backtrack = true;
        }
        skipAlive = false;
      }
      if (!backtrack && entry !== NONE && isCall(entry)) {
        const id = opOf(entry);
        entry = list.next(entry);
        // A read here cannot take effect now, or readableNow would have taken it.
        if (readOnly[id] === 1) continue;
        const d = dom[id]!;
        if (d !== NONE && !lin.has(d)) continue; // its identical twin goes first
        // Right after an op of unknown outcome, a blind write would overwrite it unseen: a
        // linearization doing that is still one without that op, which is tried anyway
        // (not so for a read taken without alternatives, hence only free choices).
        if (blind[id] === 1 && depth > 0 && forcedStack[depth - 1] === 0 && mustLinearize[opStack[depth - 1]!] === 0) continue;
        const next = table.step(state, id);
        if (next === REJECTED) continue;
        // An op of unknown outcome that would leave the state as it is can be left out:
        // nothing waits for it, so whatever works after it works without it.
        if (next === state && mustLinearize[id] === 0) continue;
        lin.toggle(id);
        if (memo.add(lin, next)) {
          if (memo.size > maxMemo) return { valid: 'unknown', reason: 'memo-limit', stats: stats() };
          push(id, next, 0);
          arrived = true;
          entry = list.first();
          continue;
        }
        lin.toggle(id); // seen before: nothing new down this path
        continue;
      }
      // A return (or the end) with nothing placed before it: undo the last free choice and
      // try the call after it. Forced reads are undone too: their configuration fails iff
      // the one before them does.
      leaving();
      let id = NONE;
      let forced = 1;
      while (forced === 1) {
        if (depth === 0) return invalid();
        depth--;
        id = opStack[depth]!;
        forced = forcedStack[depth]!;
        state = stateStack[depth]!;
        lin.toggle(id);
        list.unlift(id);
        okLeft += mustLinearize[id]!;
      }
      entry = list.next(callEntry(id));
    }
  }

  function invalid(): SearchResult {
    // The list is whole again: the ops pending at the deepest configuration are those
    // outside its set invoked before the first return of one outside it.
    const pendingCalls: number[] = [];
    let blockingOp: number | undefined;
    const inBest = (id: number): boolean => (best.set[id >>> 5]! & (1 << (id & 31))) !== 0;
    for (let e = list.first(); e !== NONE; e = list.next(e)) {
      const id = opOf(e);
      if (inBest(id)) continue;
      if (!isCall(e)) {
        blockingOp = id;
        break;
      }
      pendingCalls.push(id);
    }
    const states = best.states.map((s) => model.describeState(table.states[s]!));
    const head = `not linearizable: after ${best.depth} op(s) the state is ${states.join(' or ')}; `;
    let message: string;
    let blocking: OpRef | undefined;
    if (deadRead !== undefined) {
      blocking = ref(deadRead);
      message = head + `${blocking.op} (invoked at index ${blocking.index}) can never take effect: no order of the ops that may precede it leads to the value it returned`;
    } else {
      blocking = blockingOp === undefined ? undefined : ref(blockingOp);
      message =
        head +
        (blocking ? `${blocking.op} (invoked at index ${blocking.index}) had to take effect before completing, but ` : '') +
        `none of the ${pendingCalls.length} pending op(s) can take effect next`;
    }
    const explanation: Explanation = { prefix: Array.from(best.prefix, (id) => ops[id]!.invoke.index), states, next: pendingCalls.map(ref), message };
    if (blocking) explanation.blocking = blocking;
    return { valid: false, explanation, stats: stats() };
  }
}
