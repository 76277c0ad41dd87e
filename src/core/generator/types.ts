/**
 * The generator protocol (after Jepsen's jepsen.generator): a generator is an immutable
 * value. Asking it for an op never changes it; it returns the op together with the
 * generator that continues after that op. The runner interprets generators; generators
 * themselves never sleep, never do I/O and never read the clock, which is what makes them
 * pure and the op sequence reproducible from a seed.
 */
import type { Op, ProcessId, Thread } from '../op.js';
import type { Rng } from '../rng.js';

/** What a generator may look at when asked for its next op. */
export interface GenContext {
  /** Nanoseconds since the test began, as the runner's monotonic clock reads it. */
  readonly time: number;
  /** Threads with no op in flight, in a stable order: client threads ascending, then "nemesis". */
  readonly free: readonly Thread[];
  /** Every thread of the test, in the same stable order. */
  readonly threads: readonly Thread[];
  /** The process each thread currently runs as (client processes change after an `info`). */
  readonly workers: ReadonlyMap<Thread, ProcessId>;
  /** An immutable random source: drawing from it returns a new Rng, never mutates this one. */
  readonly rng: Rng;
}

/**
 * Special op kinds the runner executes itself and does not write to the history:
 * `sleep` keeps its thread busy for `value` seconds; `log` writes `value` to the run log.
 */
export type SpecialKind = 'sleep' | 'log';

/** An op a generator asks the runner to invoke. */
export interface PlannedOp {
  /** The process that runs it; its thread is the one `workers` maps to this process. */
  process: ProcessId;
  /** Earliest time (ns since start) to invoke it; the runner waits until then. */
  time: number;
  f: string;
  value: unknown;
  kind?: SpecialKind;
}

/** The result of asking a generator for an op. */
export type GenStep =
  /** An op, the generator that continues after it, and the random source after drawing. */
  | { op: PlannedOp; gen: Generator; rng: Rng }
  /** Nothing can be emitted now (e.g. no free thread fits); ask again after the next event. */
  | 'pending'
  /** Exhausted: this generator will never emit again. */
  | null;

export interface Generator {
  /** Pure: the same (generator, context) always gives the same step. */
  op(ctx: GenContext): GenStep;
  /**
   * Tells the generator about an event: every invocation (type "invoke") and completion the
   * runner records, including those of ops other generators emitted. Returns the generator
   * to use from then on (itself when the event does not matter to it).
   */
  update(ctx: GenContext, event: Op): Generator;
}

/** An op template: what a client generator emits before a process and time are chosen. */
export interface OpTemplate {
  f: string;
  value?: unknown;
}
