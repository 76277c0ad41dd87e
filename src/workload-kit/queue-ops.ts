/**
 * The op mix of a queue workload (checked by checkers/queue.ts): enqueues of unique values
 * (1, 2, 3… in the order the generator hands them out) and dequeues, in equal shares; then,
 * after the heal, every worker drains the queue until it finds it empty twice in a row.
 *
 *   { f: 'enqueue', value: 17 }   { f: 'dequeue', value: null }   { f: 'drain', value: null }
 *
 * Like every generator these are immutable values: the next value to enqueue and a
 * drainer's progress live in the generator returned with each op.
 */
import { Template } from '../core/generator/core.js';
import { withRng } from '../core/generator/context.js';
import type { GenContext, GenStep, Generator } from '../core/generator/types.js';
import type { Op, ProcessId } from '../core/op.js';

class QueueOps implements Generator {
  constructor(
    private readonly next: number,
    private readonly enqueueShare: number,
  ) {}

  op(ctx: GenContext): GenStep {
    const [x, rng] = ctx.rng.next();
    const enqueue = x < this.enqueueShare;
    const step = (enqueue ? new Template('enqueue', this.next) : new Template('dequeue', null)).op(withRng(ctx, rng));
    if (step === 'pending' || step === null) return step;
    return { op: step.op, gen: new QueueOps(enqueue ? this.next + 1 : this.next, this.enqueueShare), rng: step.rng };
  }

  update(): Generator {
    return this;
  }
}

/** Endless enqueues of 1, 2, 3… and dequeues; `enqueueShare` of the ops are enqueues (default ½). */
export function queueOps(o: { enqueueShare?: number } = {}): Generator {
  return new QueueOps(1, o.enqueueShare ?? 0.5);
}

interface DrainOptions {
  /** Consecutive drains that must find the queue empty. Default 2. */
  emptyDrains?: number;
  /** Seconds to wait after a drain that found nothing or failed. Default 1. */
  gapSeconds?: number;
  /** Drains at most, so a node that never recovers cannot hold the run. Default 30. */
  maxDrains?: number;
}

interface DrainState {
  empties: number;
  left: number;
  /** The process running this drainer's drain or pause, if any. */
  busy: ProcessId | undefined;
  pauseNext: boolean;
}

/**
 * One worker's final drain: `drain` ops until `emptyDrains` in a row come back ok and
 * empty, pausing after a drain that found nothing (a message handed back by a dead
 * consumer may take a moment to reappear) or failed. Use inside `eachThread`.
 */
class DrainUntilEmpty implements Generator {
  constructor(
    private readonly o: Required<DrainOptions>,
    private readonly s: DrainState,
  ) {}

  op(ctx: GenContext): GenStep {
    if (this.s.empties >= this.o.emptyDrains || this.s.left <= 0) return null;
    if (this.s.busy !== undefined) return 'pending';
    const pause = this.s.pauseNext;
    const t = pause ? new Template('sleep', this.o.gapSeconds, 'sleep') : new Template('drain', null);
    const step = t.op(ctx);
    if (step === 'pending' || step === null) return step;
    const s: DrainState = { ...this.s, busy: step.op.process, pauseNext: false, left: pause ? this.s.left : this.s.left - 1 };
    return { op: step.op, gen: new DrainUntilEmpty(this.o, s), rng: step.rng };
  }

  update(_ctx: GenContext, event: Op): Generator {
    if (event.type === 'invoke' || event.process !== this.s.busy) return this;
    if (event.f !== 'drain') return new DrainUntilEmpty(this.o, { ...this.s, busy: undefined });
    const empty = event.type === 'ok' && Array.isArray(event.value) && event.value.length === 0;
    return new DrainUntilEmpty(this.o, { ...this.s, busy: undefined, empties: empty ? this.s.empties + 1 : 0, pauseNext: empty || event.type !== 'ok' });
  }
}

export function drainUntilEmpty(o: DrainOptions = {}): Generator {
  const opts: Required<DrainOptions> = { emptyDrains: 2, gapSeconds: 1, maxDrains: 30, ...o };
  return new DrainUntilEmpty(opts, { empties: 0, left: opts.maxDrains, busy: undefined, pauseNext: false });
}
