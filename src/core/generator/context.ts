/**
 * Building and narrowing generator contexts.
 *
 * A context narrowed by `onThreads` carries a hidden scope marker. It matters for bare op
 * templates: at the top level (no marker) a template may only go to a client thread, so the
 * nemesis thread receives nothing that was not written inside `nemesis(...)`; inside any
 * `onThreads` the template may use every thread the narrowed context still shows.
 */
import type { ProcessId, Thread } from '../op.js';
import { Rng } from '../rng.js';
import type { GenContext } from './types.js';

export const NS_PER_SECOND = 1_000_000_000;

/** Seconds (combinator parameters) to nanoseconds (context and op times). */
export function secondsToNs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`expected a non-negative number of seconds, got ${seconds}`);
  return Math.round(seconds * NS_PER_SECOND);
}

// From the global registry, not Symbol(): a workload file loaded through jiti, or compiled
// workloads used from source in tests, bring their own copy of this module, and a scope
// set by one copy must be seen by the other (else a nemesis-only scope looks unrestricted
// and a bare op waits forever for a client thread).
const SCOPE: unique symbol = Symbol.for('faultline.generator.scope') as typeof SCOPE;

interface Scope {
  /** Number of client threads of the whole test, so stale process ids still map to threads. */
  readonly concurrency: number;
}

type ScopedContext = GenContext & { readonly [SCOPE]?: Scope };

function scopeOf(ctx: GenContext): Scope | undefined {
  return (ctx as ScopedContext)[SCOPE];
}

/** Copies a context field by field (the runner's context may be a class with getters). */
function build(ctx: GenContext, fields: Partial<GenContext>, scope: Scope | undefined): GenContext {
  const out: { -readonly [K in keyof GenContext]: GenContext[K] } & { [SCOPE]?: Scope } = {
    time: fields.time ?? ctx.time,
    free: fields.free ?? ctx.free,
    threads: fields.threads ?? ctx.threads,
    workers: fields.workers ?? ctx.workers,
    rng: fields.rng ?? ctx.rng,
  };
  if (scope) out[SCOPE] = scope;
  return out;
}

/** The same context with another random source. */
export function withRng(ctx: GenContext, rng: Rng): GenContext {
  return rng === ctx.rng ? ctx : build(ctx, { rng }, scopeOf(ctx));
}

function clientCount(threads: readonly Thread[]): number {
  let n = 0;
  for (const t of threads) if (typeof t === 'number') n++;
  return n;
}

/** Whether this context was narrowed by `onThreads` (templates may then use any thread in it). */
export function isRestricted(ctx: GenContext): boolean {
  return scopeOf(ctx) !== undefined;
}

/** Narrows a context to the threads matching `pred` and marks it as explicitly scoped. */
export function restrict(ctx: GenContext, pred: (t: Thread) => boolean): GenContext {
  const scope = scopeOf(ctx) ?? { concurrency: clientCount(ctx.threads) };
  const threads = ctx.threads.filter(pred);
  const workers = new Map<Thread, ProcessId>();
  for (const t of threads) {
    const p = ctx.workers.get(t);
    if (p !== undefined) workers.set(t, p);
  }
  return build(ctx, { threads, free: ctx.free.filter(pred), workers }, scope);
}

/** The threads a bare template or `eachThread` may use: client threads unless scoped. */
export function eligibleThreads(ctx: GenContext): readonly Thread[] {
  return isRestricted(ctx) ? ctx.threads : ctx.threads.filter((t) => typeof t === 'number');
}

/**
 * A free thread a bare template may go to, drawn at random. Always taking the first free
 * one would send nearly every op to thread 0 (and so to one node) whenever ops complete
 * faster than the rate asks for them; spreading them over free threads spreads load over
 * nodes, which is what exposes replication anomalies.
 */
export function randomFreeThread(ctx: GenContext): [Thread | undefined, Rng] {
  const restricted = isRestricted(ctx);
  const free = ctx.free.filter((t) => restricted || typeof t === 'number');
  if (free.length <= 1) return [free[0], ctx.rng];
  return ctx.rng.pick(free);
}

/**
 * The thread a process runs on. Falls back to `process mod concurrency` for a client process
 * the workers map no longer shows (the runner may already have moved the thread to its next
 * process when it reports an `info` completion).
 */
export function threadOf(ctx: GenContext, process: ProcessId): Thread | undefined {
  if (process === 'nemesis') return 'nemesis';
  for (const [t, p] of ctx.workers) if (p === process) return t;
  const concurrency = scopeOf(ctx)?.concurrency ?? clientCount(ctx.threads);
  return concurrency > 0 ? process % concurrency : undefined;
}

/** Thread list of a test: client threads 0..concurrency-1, then "nemesis" if present. */
export function threadsFor(concurrency: number, nemesis = true): Thread[] {
  const out: Thread[] = [];
  for (let i = 0; i < concurrency; i++) out.push(i);
  if (nemesis) out.push('nemesis');
  return out;
}

export interface MakeContextOptions {
  /** Number of client threads. */
  concurrency: number;
  /** Whether the test has a nemesis thread (default true). */
  nemesis?: boolean;
  /** Nanoseconds since start (default 0). */
  time?: number;
  /** Threads with an op in flight (default none). */
  busy?: readonly Thread[];
  /** Thread → process (default: each client thread runs as its own number). */
  workers?: ReadonlyMap<Thread, ProcessId>;
  /** Random source; defaults to `Rng.seeded(seed ?? 0)`. */
  rng?: Rng;
  seed?: number;
}

/** Builds a top-level GenContext (for tests, simulations and the runner). */
export function makeContext(opts: MakeContextOptions): GenContext {
  const threads = threadsFor(opts.concurrency, opts.nemesis ?? true);
  const busy = new Set(opts.busy ?? []);
  const workers = opts.workers ?? new Map<Thread, ProcessId>(threads.map((t) => [t, t]));
  return {
    time: opts.time ?? 0,
    threads,
    free: threads.filter((t) => !busy.has(t)),
    workers,
    rng: opts.rng ?? Rng.seeded(opts.seed ?? 0),
  };
}
