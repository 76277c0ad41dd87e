/**
 * `eachThread`: an independent copy of a generator per thread, each restricted to its own
 * thread; e.g. `eachThread({f: 'read'})` is one final read per client. The threads are the
 * ones a bare template could use: client threads at the top level, every thread of an
 * `onThreads` scope.
 */
import type { Op, Thread } from '../op.js';
import { eligibleThreads, restrict, threadOf } from './context.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

type Ready = Exclude<GenStep, 'pending' | null>;

class EachThread implements Generator {
  constructor(
    readonly fresh: Generator,
    /** Per-thread state; a thread not present still has `fresh`. */
    readonly gens: ReadonlyMap<Thread, Generator>,
  ) {}

  op(ctx: GenContext): GenStep {
    let best: { thread: Thread; step: Ready } | undefined;
    let pending = false;
    for (const thread of eligibleThreads(ctx)) {
      const g = this.gens.get(thread) ?? this.fresh;
      const step = g.op(restrict(ctx, (t) => t === thread));
      if (step === null) continue;
      if (step === 'pending') pending = true;
      else if (best === undefined || step.op.time < best.step.op.time) best = { thread, step };
    }
    if (best === undefined) return pending ? 'pending' : null;
    const gens = new Map(this.gens);
    gens.set(best.thread, best.step.gen);
    return { op: best.step.op, gen: new EachThread(this.fresh, gens), rng: best.step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const thread = threadOf(ctx, event.process);
    if (thread === undefined || !eligibleThreads(ctx).includes(thread)) return this;
    const g = this.gens.get(thread) ?? this.fresh;
    const u = g.update(restrict(ctx, (t) => t === thread), event);
    if (u === g) return this;
    const gens = new Map(this.gens);
    gens.set(thread, u);
    return new EachThread(this.fresh, gens);
  }
}

/** Runs the whole of `x` once on every thread, each thread with its own copy. */
export function eachThread(x: GenLike): Generator {
  return new EachThread(gen(x), new Map());
}
