/**
 * A deterministic interpreter for generators on a virtual clock (like Jepsen's "perfect"
 * interpreter): no real time, no I/O. Each op completes after a virtual latency, `ok` by
 * default. Used by tests, and handy for previewing a schedule.
 *
 * It follows the runner's protocol, and is a little stricter than a naive runner: when a
 * completion is due at or before the time of the op the generator just offered, the
 * completion is delivered first and the generator is asked again (the offered op is
 * dropped, which purity makes harmless). Ops on a busy thread or for an unknown process
 * throw, so tests catch generators that break the protocol.
 */
import type { Op, ProcessId, Thread } from '../op.js';
import { Rng } from '../rng.js';
import { secondsToNs, threadsFor } from './context.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, Generator, PlannedOp } from './types.js';

export interface SimCompletion {
  type: 'ok' | 'fail' | 'info';
  /** The completion's value; defaults to the invocation's value. */
  value?: unknown;
  error?: string;
}

export interface SimulateOptions {
  seed: number;
  /** Number of client threads. */
  concurrency: number;
  /** Whether there is a nemesis thread (default true). */
  nemesis?: boolean;
  /** Most ops to take from the generator, sleep/log included (default 10 000). */
  steps?: number;
  /** Stop taking ops whose time would be at or after this virtual time (ns). */
  maxTimeNs?: number;
  /** Virtual latency of a client or nemesis op in ns (default 1 ms); a function for variety. */
  latencyNs?: number | ((op: PlannedOp, thread: Thread) => number);
  /** How an op completes (default: ok with the invocation's value). */
  complete?: (invoke: Op) => SimCompletion;
  /** Also return sleep/log events (index -1); the runner does not write them to the history. */
  includeSpecial?: boolean;
}

interface InFlight {
  readonly invoke: Op;
  readonly kind: PlannedOp['kind'];
  readonly at: number;
}

/** Runs `x` to exhaustion (or the step/time cap) and returns the invoke/completion events. */
export function simulate(x: GenLike, opts: SimulateOptions): Op[] {
  const concurrency = opts.concurrency;
  const threads = threadsFor(concurrency, opts.nemesis ?? true);
  const workers = new Map<Thread, ProcessId>(threads.map((t) => [t, t]));
  const inFlight = new Map<Thread, InFlight>();
  const maxSteps = opts.steps ?? 10_000;
  const latency = opts.latencyNs ?? 1_000_000;
  const events: Op[] = [];
  let index = 0;
  let now = 0;
  let rng = Rng.seeded(opts.seed);
  let g: Generator = gen(x);
  let taken = 0;
  let stopped = false;

  // A fresh snapshot each time: generators may keep a context, so it must never change.
  const ctx = (): GenContext => ({
    time: now,
    threads,
    free: threads.filter((t) => !inFlight.has(t)),
    workers: new Map(workers),
    rng,
  });

  const record = (ev: Op, special: boolean): void => {
    if (!special || opts.includeSpecial) events.push(ev);
  };

  const nextCompletion = (): [Thread, InFlight] | undefined => {
    let best: [Thread, InFlight] | undefined;
    // `threads` order breaks ties, so the run is deterministic.
    for (const t of threads) {
      const f = inFlight.get(t);
      if (f !== undefined && (best === undefined || f.at < best[1].at)) best = [t, f];
    }
    return best;
  };

  const complete = ([thread, f]: [Thread, InFlight]): void => {
    now = Math.max(now, f.at);
    inFlight.delete(thread);
    const special = f.kind !== undefined;
    const c: SimCompletion = special || !opts.complete ? { type: 'ok' } : opts.complete(f.invoke);
    const ev: Op = {
      index: special ? -1 : index++,
      type: c.type,
      process: f.invoke.process,
      f: f.invoke.f,
      value: 'value' in c ? c.value : f.invoke.value,
      time: now,
    };
    if (c.error !== undefined) ev.error = c.error;
    // After an info the thread continues as a new process (DESIGN.md).
    if (c.type === 'info' && typeof f.invoke.process === 'number') workers.set(thread, f.invoke.process + concurrency);
    record(ev, special);
    g = g.update(ctx(), ev);
  };

  const threadFor = (p: ProcessId): Thread => {
    for (const [t, q] of workers) if (q === p) return t;
    throw new Error(`simulate: generator emitted an op for process ${String(p)}, which no thread runs`);
  };

  for (;;) {
    const due = nextCompletion();
    if (!stopped && taken < maxSteps) {
      const step = g.op(ctx());
      if (step === null) {
        stopped = true;
        continue;
      }
      if (step === 'pending') {
        if (due === undefined) throw new Error(`simulate: generator is pending at ${now} ns with no op in flight (it would wait forever)`);
        complete(due);
        continue;
      }
      const time = Math.max(now, step.op.time);
      if (due !== undefined && due[1].at <= time) {
        complete(due);
        continue;
      }
      if (opts.maxTimeNs !== undefined && time >= opts.maxTimeNs) {
        stopped = true;
        continue;
      }
      const thread = threadFor(step.op.process);
      if (inFlight.has(thread)) throw new Error(`simulate: generator emitted ${step.op.f} on busy thread ${String(thread)}`);
      now = time;
      g = step.gen;
      rng = step.rng;
      taken++;
      const kind = step.op.kind;
      const special = kind !== undefined;
      const invoke: Op = { index: special ? -1 : index++, type: 'invoke', process: step.op.process, f: step.op.f, value: step.op.value, time: now };
      const dt =
        kind === 'sleep'
          ? secondsToNs(Number(step.op.value))
          : kind === 'log'
            ? 0
            : typeof latency === 'function'
              ? latency(step.op, thread)
              : latency;
      inFlight.set(thread, { invoke, kind, at: now + dt });
      record(invoke, special);
      g = g.update(ctx(), invoke);
      continue;
    }
    // Stopped taking ops: let everything in flight complete so every invoke has its completion.
    if (due === undefined) break;
    complete(due);
  }
  return events;
}
