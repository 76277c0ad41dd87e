/**
 * The op mix of a register workload: reads, writes and compare-and-set in equal shares on
 * independent keys. Values are `[key, v]` tuples (read `[k, null]`, write `[k, v]`, cas
 * `[k, [from, to]]`), which the `multiRegister` model checks per key.
 *
 * By default keys rotate, after Jepsen's independent keys (`concurrent-generator`): the
 * client threads are split into groups of at least `threadsPerKey` consecutive threads
 * (worker t talks to node t mod n, so a group of n threads reaches every node); each group
 * works on one key for at most `opsPerKey` ops, then retires it and moves to a fresh key
 * (k0, k1, … in the order groups ask for them). No key collects an unbounded number of
 * writes of unknown outcome, each key's history stays small for the linearizability
 * search (its work grows steeply with ops per key), and a stale read has few explanations.
 * Final reads (`liveKeyFinalReads`) read the keys still live when the main phase ends.
 *
 * An op that fails (definitely not done) is given back to its key's budget: the checker
 * drops it, so it adds neither work nor indeterminacy, and counting it would retire a key
 * while its node is down — ops refused by a killed node use up the key just before the
 * restart, and the reads after the restart that would show lost writes go to a fresh key
 * instead (measured: the in-memory python-kv example lost its writes to kill -9 unseen).
 * So a key takes at most `opsPerKey` ops that did not fail, plus any number that did.
 *
 * Values identify their write: a key's writes and cas targets are 1, 2, 3, … in the order
 * the generator issues them, so a read's value names exactly one write. The trade-off: a
 * cas only succeeds when `from` is the current value, and with unique values a guessed
 * `from` rarely is; so `from` is not guessed but taken from what the generator last learnt
 * of the key (the value of its latest ok read, write or cas, else the latest value it
 * issued). Under concurrency another write often lands first and the cas fails (a `fail`
 * the checker drops), so cas succeeds less often than with values from 0..4 — but each
 * success still names one write, and a cas the system wrongly accepts is a violation the
 * checker can pin down. A cas on a key nothing was written to yet is issued as a write.
 *
 * `keys` (names, or how many) keeps the fixed-key mode — small values from 0..values-1 on
 * the same keys for the whole run — for systems whose clients need every key up front.
 */
import { gen } from '../core/generator/index.js';
import { randomFreeThread } from '../core/generator/context.js';
import type { GenContext, GenStep, Generator, OpTemplate } from '../core/generator/types.js';
import { isClientProcess, type Op } from '../core/op.js';

/** Ops a key takes before it retires, by default: keeps per-key histories small for the checker. */
export const DEFAULT_OPS_PER_KEY = 150;
/** Threads per key group when the workload does not say (its node count is the usual choice). */
const DEFAULT_THREADS_PER_KEY = 5;

export interface RegisterOpsOptions {
  /**
   * Fixed keys instead of rotating ones: names, or how many (k0, k1, …). With fixed keys
   * values come from 0..values-1 and every key is used for the whole run.
   */
  keys?: number | readonly string[];
  /** Fixed keys only: values are drawn from 0..values-1. Default 5. */
  values?: number;
  /** Relative weights of the three operations. Default equal. */
  mix?: { read: number; write: number; cas: number };
  /** Rotating keys: ops a key takes before it retires (ops that fail are not counted). Default 150. */
  opsPerKey?: number;
  /**
   * Rotating keys: the smallest group of threads sharing a key (groups are consecutive
   * threads; the workloads pass their node count so every key is used from every node).
   * Default 5.
   */
  threadsPerKey?: number;
}

export function registerKeys(o: RegisterOpsOptions = {}): string[] {
  const keys = o.keys ?? 5;
  return typeof keys === 'number' ? Array.from({ length: keys }, (_, i) => `k${i}`) : [...keys];
}

type Mix = { read: number; write: number; cas: number };
const EQUAL_MIX: Mix = { read: 1, write: 1, cas: 1 };

/** Which op a draw in [0, 1) picks: 0 read, 1 write, 2 cas. */
function pickKind(x: number, mix: Mix): 0 | 1 | 2 {
  const total = mix.read + mix.write + mix.cas;
  const w = x * (total > 0 ? total : 3);
  if (total <= 0) return Math.floor(w) as 0 | 1 | 2;
  return w < mix.read ? 0 : w < mix.read + mix.write ? 1 : 2;
}

/** One random op on a random one of fixed `keys`, values from 0..values-1. */
export function registerOp(ctx: GenContext, keys: readonly string[], values = 5, mix: Mix = EQUAL_MIX): OpTemplate {
  const [key, r1] = ctx.rng.pick(keys);
  const [x, r2] = r1.next();
  const which = pickKind(x, mix);
  const [a, r3] = r2.int(values);
  const [b] = r3.int(values);
  if (which === 0) return { f: 'read', value: [key, null] };
  if (which === 1) return { f: 'write', value: [key, a] };
  return { f: 'cas', value: [key, [a, b]] };
}

/** A key a group of threads is working on. */
interface Slot {
  readonly key: string;
  /** Ops issued on it so far, less those that failed. */
  readonly ops: number;
  /** The last value issued (write or cas target); 0 before any. Values are 1, 2, 3, …. */
  readonly issued: number;
  /** The value the latest ok op on the key showed, if any. */
  readonly known: unknown;
}

interface RotationState {
  /** Group index → its live key; a group without one takes a fresh key on its next op. */
  readonly slots: ReadonlyMap<number, Slot>;
  /** The number of the next fresh key. */
  readonly nextKey: number;
}

interface RotationOptions {
  opsPerKey: number;
  threadsPerKey: number;
  mix: Mix;
}

/**
 * Workers per key for a cluster of `nodes`: one per node, so each key is used from every
 * node (worker t talks to node t mod n), and at least two, so ops on one key can overlap
 * even on a single server (a read-modify-write race needs two clients on the same key).
 */
export function threadsPerKeyFor(nodes: number): number {
  return Math.max(2, nodes);
}

/** The group of client thread `t`: consecutive threads, groups as equal as they can be. */
export function keyGroupOf(thread: number, clientThreads: readonly number[], threadsPerKey: number): number {
  const c = clientThreads.length;
  const groups = Math.max(1, Math.floor(c / threadsPerKey));
  const pos = clientThreads.indexOf(thread);
  return Math.floor(((pos < 0 ? thread : pos) * groups) / Math.max(1, c));
}

class RotatingRegisterGen implements Generator {
  constructor(
    private readonly o: RotationOptions,
    private readonly s: RotationState,
  ) {}

  op(ctx: GenContext): GenStep {
    const [thread, r0] = randomFreeThread(ctx);
    if (thread === undefined) return 'pending';
    if (typeof thread !== 'number') throw new Error('register ops: the nemesis thread cannot take register ops; wrap the generator in clients(...)');
    const process = ctx.workers.get(thread);
    if (process === undefined) throw new Error(`generator: thread ${thread} has no process in ctx.workers`);
    const clientThreads = ctx.threads.filter((t): t is number => typeof t === 'number');
    const group = keyGroupOf(thread, clientThreads, this.o.threadsPerKey);
    let nextKey = this.s.nextKey;
    const slot: Slot = this.s.slots.get(group) ?? { key: `k${nextKey++}`, ops: 0, issued: 0, known: undefined };
    const [x, r1] = r0.next();
    let kind = pickKind(x, this.o.mix);
    const from = slot.known !== undefined && slot.known !== null ? slot.known : slot.issued > 0 ? slot.issued : undefined;
    if (kind === 2 && from === undefined) kind = 1;
    let issued = slot.issued;
    let value: unknown;
    if (kind === 0) value = [slot.key, null];
    else if (kind === 1) value = [slot.key, ++issued];
    else value = [slot.key, [from, ++issued]];
    const f = kind === 0 ? 'read' : kind === 1 ? 'write' : 'cas';
    const ops = slot.ops + 1;
    const slots = new Map(this.s.slots);
    if (ops >= this.o.opsPerKey) slots.delete(group);
    else slots.set(group, { ...slot, ops, issued });
    return { op: { process, time: ctx.time, f, value }, gen: new RotatingRegisterGen(this.o, { slots, nextKey }), rng: r1 };
  }

  /**
   * Learns each live key's latest value from ok completions (the `from` of later cas ops),
   * and gives a failed op back to its key's budget (see the top of this file).
   */
  update(_ctx: GenContext, event: Op): Generator {
    if ((event.type !== 'ok' && event.type !== 'fail') || !isClientProcess(event.process)) return this;
    const key = keyOfRegisterOp(event);
    if (key === undefined) return this;
    for (const [group, slot] of this.s.slots) {
      if (slot.key !== key) continue;
      let next: Slot;
      if (event.type === 'fail') next = { ...slot, ops: slot.ops - 1 };
      else {
        const v = (event.value as [unknown, unknown])[1];
        const known = event.f === 'cas' ? (Array.isArray(v) && v.length === 2 ? v[1] : undefined) : v;
        if (known === undefined || known === slot.known) return this;
        next = { ...slot, known };
      }
      const slots = new Map(this.s.slots);
      slots.set(group, next);
      return new RotatingRegisterGen(this.o, { slots, nextKey: this.s.nextKey });
    }
    return this;
  }
}

function positiveInteger(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`register ops: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/**
 * An endless generator of register ops: on rotating keys with unique values (the default),
 * or on fixed `keys` with small values.
 */
export function registerOps(o: RegisterOpsOptions = {}): Generator {
  if (o.keys !== undefined) {
    const keys = registerKeys(o);
    return gen((ctx: GenContext) => registerOp(ctx, keys, o.values, o.mix));
  }
  return new RotatingRegisterGen(
    {
      opsPerKey: positiveInteger('opsPerKey', o.opsPerKey, DEFAULT_OPS_PER_KEY),
      threadsPerKey: positiveInteger('threadsPerKey', o.threadsPerKey, DEFAULT_THREADS_PER_KEY),
      mix: o.mix ?? EQUAL_MIX,
    },
    { slots: new Map(), nextKey: 0 },
  );
}

/** One read of every fixed key, for the final phase. */
export function finalReads(o: RegisterOpsOptions = {}): OpTemplate[] {
  return registerKeys(o).map((k) => ({ f: 'read', value: [k, null] }));
}

/** The key of a client's read, write or cas (`[key, …]`), if the op is one. */
function keyOfRegisterOp(op: Op): string | undefined {
  if (op.f !== 'read' && op.f !== 'write' && op.f !== 'cas') return undefined;
  return Array.isArray(op.value) && op.value.length === 2 && typeof op.value[0] === 'string' ? op.value[0] : undefined;
}

/**
 * The keys of rotating register ops still live at the end of `history` (the main phase),
 * in the order they were first used. The history is replayed with the generator's own
 * rule, in the order the generator saw it (the runner feeds it every event in history
 * order): an invocation counts against its key, a failure on a live key is given back,
 * and a key retires when its count reaches `opsPerKey`.
 */
export function liveKeys(history: readonly Op[], opsPerKey: number = DEFAULT_OPS_PER_KEY): string[] {
  const keys = new Map<string, { ops: number; retired: boolean }>();
  for (const op of history) {
    if (!isClientProcess(op.process) || (op.type !== 'invoke' && op.type !== 'fail')) continue;
    const key = keyOfRegisterOp(op);
    if (key === undefined) continue;
    let k = keys.get(key);
    if (k === undefined) keys.set(key, (k = { ops: 0, retired: false }));
    if (k.retired) continue;
    if (op.type === 'fail') k.ops--;
    else if (++k.ops >= opsPerKey) k.retired = true;
  }
  return [...keys].filter(([, k]) => !k.retired).map(([key]) => key);
}

/**
 * Final reads for rotating keys: given the main phase's history, one read of every key
 * still live (see `liveKeys`). Retired keys saw their last op during the main phase.
 */
export function liveKeyFinalReads(history: readonly Op[], opsPerKey: number = DEFAULT_OPS_PER_KEY): OpTemplate[] {
  return liveKeys(history, opsPerKey).map((k) => ({ f: 'read', value: [k, null] }));
}
