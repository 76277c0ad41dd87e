/**
 * The linearizability checker: pairs a history's invocations with their completions,
 * splits it into independent partitions with the model, and searches each one (wgl.ts),
 * the hard ones on worker threads when there are several (parallel.ts).
 */
import { clientPairs } from '../../core/history-reader.js';
import type { CompletedOp, Op } from '../../core/op.js';
import { mergeValidity, type CheckResult, type Checker, type Validity } from '../checker.js';
import { WHOLE_HISTORY, type Model } from './model.js';
import { casRegister } from './models/cas-register.js';
import { counter } from './models/counter.js';
import { multiRegister } from './models/keyed-register.js';
import { kv } from './models/kv.js';
import { mutex } from './models/mutex.js';
import { queue } from './models/queue.js';
import { register } from './models/register.js';
import { set } from './models/set.js';
import { searchInWorkers, workersFor } from './parallel.js';
import { searchLinearization, type Explanation, type SearchResult, type SearchStats } from './wgl.js';

export type { Lookahead, Model, OpView, Step } from './model.js';
export type { Explanation, OpRef, SearchStats } from './wgl.js';
export { searchLinearization } from './wgl.js';
export { keyedRegister } from './models/keyed-register.js';
export { register, casRegister, multiRegister, kv, counter, set, queue, mutex };

/**
 * Models by the name a workload or the CLI gives. A Map, not an object: a name such as
 * "__proto__" or "toString" must not find Object's prototype.
 */
export const models: ReadonlyMap<string, Model> = new Map<string, Model>([
  ['register', register],
  ['cas-register', casRegister],
  ['keyed-cas-register', multiRegister],
  ['multi-register', multiRegister],
  ['kv', kv],
  ['counter', counter],
  ['set', set],
  ['queue', queue],
  ['mutex', mutex],
]);

export function modelByName(name: string): Model {
  const m = models.get(name);
  if (!m) throw new Error(`unknown model ${JSON.stringify(name)}; known: ${[...models.keys()].join(', ')}`);
  return m;
}

export interface LinearizabilityOptions {
  /** Wall-clock budget for the whole history; partitions left undecided are `unknown`. */
  timeoutMs?: number;
  /** Check every partition instead of stopping at the first invalid one. */
  full?: boolean;
  /** Per-partition cap on memoised configurations; beyond it: `unknown`. */
  maxMemo?: number;
  /** Per-partition cap on the search's memory (memo and interned states), in bytes. */
  maxMemoryBytes?: number;
  /** Search hard partitions on worker threads when there are several (default true). */
  workers?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * Memory bound of the search: of one partition's search in-thread (one at a time), shared
 * out among worker threads when they search several at once. A memo entry costs ~16 B
 * plus 4 B per 32 ops; the memo refuses to grow past the bound, so the process stays
 * under 1 GB.
 */
export const DEFAULT_MAX_MEMORY_BYTES = 512 * 2 ** 20;
/** Iterations every partition gets in the first round; each later round gets 10x more. */
const FIRST_ROUND_ITERATIONS = 100_000;

export interface PartitionResult {
  /** The partition's key (e.g. the register key); "(all)" for unpartitioned models. */
  key: string;
  valid: Validity;
  /** Ops searched: client ops of the partition, less `fail`s and indeterminate reads. */
  opCount: number;
  /** When invalid. */
  explanation?: Explanation;
  /** When unknown: out of time or memo, or "skipped" (an earlier partition was invalid). */
  reason?: 'timeout' | 'memo-limit' | 'skipped';
  /** Absent for skipped partitions. */
  stats?: SearchStats;
}

export interface LinearizabilityResult extends CheckResult {
  valid: Validity;
  model: string;
  /** Ops searched over all partitions. */
  opCount: number;
  partitions: PartitionResult[];
  /** Keys of the invalid partitions, in checking order. */
  invalidKeys: string[];
  elapsedMs: number;
}

/** The ops a search needs: a `fail` did not happen; an indeterminate read tells nothing. */
function relevant(model: Model, op: CompletedOp): boolean {
  if (op.type === 'fail') return false;
  return op.type === 'ok' || !(model.readOnly?.(op.f) ?? false);
}

/** Lets other work run between partitions; the search itself is synchronous. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function checkLinearizable(
  history: readonly Op[],
  model: Model,
  opts: LinearizabilityOptions = {},
): Promise<LinearizabilityResult> {
  const startedAt = Date.now();
  const deadline = startedAt + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const maxMemo = opts.maxMemo ?? Infinity;
  const maxBytes = opts.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const ops = clientPairs(history).filter((op) => relevant(model, op));
  const parts = model.partition ? model.partition(ops) : new Map([[WHOLE_HISTORY, ops]]);

  // Rounds of growing iteration budgets, restarting undecided partitions each round: an
  // easy partition is decided before a hard one can eat the whole time budget, and only
  // one search's memo is alive at a time. Restarts at worst double a partition's work.
  // Partitions still undecided after the first round are hard: with two or more of them,
  // they go to worker threads (parallel.ts) instead of further rounds here.
  const results = new Map<string, PartitionResult>();
  const settle = (key: string, r: SearchResult): void => {
    const partOps = parts.get(key) ?? [];
    const before = results.get(key)?.stats;
    const stats: SearchStats = before
      ? { ...r.stats, iterations: before.iterations + r.stats.iterations, elapsedMs: before.elapsedMs + r.stats.elapsedMs, bytes: Math.max(before.bytes, r.stats.bytes) }
      : r.stats;
    const p: PartitionResult = { key, valid: r.valid, opCount: partOps.length, stats };
    if (r.valid === false) p.explanation = r.explanation;
    // Out of iterations: retried next round, or reported skipped if the scan stops first.
    if (r.valid === 'unknown') p.reason = r.reason === 'iteration-limit' ? 'skipped' : r.reason;
    results.set(key, p);
  };
  let undecided = [...parts.keys()];
  let stop = false;
  for (let budget = FIRST_ROUND_ITERATIONS, round = 1; undecided.length > 0 && !stop; budget *= 10, round++) {
    if (round === 2 && undecided.length >= 2 && opts.workers !== false && workersFor(model, models)) {
      const jobs = undecided.map((key) => ({ key, ops: parts.get(key) ?? [] }));
      const done = await searchInWorkers(model, jobs, { deadline, maxBytes }, (key, r) => {
        settle(key, r);
        if (r.valid === false && !opts.full) stop = true;
        return stop;
      });
      // Partitions a crashed worker left: searched here in the following rounds.
      undecided = undecided.filter((key) => !done.has(key));
      if (undecided.length === 0 || stop) break;
    }
    const next: string[] = [];
    for (const key of undecided) {
      const partOps = parts.get(key) ?? [];
      if (stop) {
        if (!results.has(key)) results.set(key, { key, valid: 'unknown', opCount: partOps.length, reason: 'skipped' });
        continue;
      }
      await yieldToEventLoop();
      const r = searchLinearization(model, partOps, { deadline, maxMemo, maxBytes, maxIterations: budget });
      settle(key, r);
      if (r.valid === 'unknown' && r.reason === 'iteration-limit') next.push(key);
      if (r.valid === false && !opts.full) stop = true;
    }
    undecided = next;
  }
  // Reported in the model's partition order, whatever order they were decided in.
  const partitions = [...parts.keys()].flatMap((k) => results.get(k) ?? []);

  return {
    valid: mergeValidity(partitions.map((p) => p.valid)),
    model: model.name,
    opCount: ops.length,
    partitions,
    invalidKeys: partitions.filter((p) => p.valid === false).map((p) => p.key),
    elapsedMs: Date.now() - startedAt,
  };
}

/** The checker for a composed test: budget and `full` come from the context first. */
export function linearizable(model: Model, opts: LinearizabilityOptions = {}): Checker {
  // A model known by name can be rebuilt from a stored run's data (checkers/spec.ts).
  const modelName = [...models].find(([, m]) => m === model)?.[0];
  return {
    name: 'linearizability',
    ...(modelName !== undefined ? { spec: { kind: 'linearizability' as const, model: modelName } } : {}),
    check(history, ctx) {
      const o: LinearizabilityOptions = { ...opts };
      const timeoutMs = ctx.timeoutMs ?? opts.timeoutMs;
      const full = ctx.full ?? opts.full;
      if (timeoutMs !== undefined) o.timeoutMs = timeoutMs;
      if (full !== undefined) o.full = full;
      return checkLinearizable(history, model, o);
    },
  };
}
