/**
 * Routing to threads. `onThreads` narrows the context its generator sees to the matching
 * threads, and passes on only events of processes running on those threads.
 */
import type { Op, Thread } from '../op.js';
import { restrict, threadOf } from './context.js';
import { gen, type GenLike } from './core.js';
import { any } from './any.js';
import type { GenContext, GenStep, Generator } from './types.js';

export type ThreadPredicate = (thread: Thread) => boolean;

class OnThreads implements Generator {
  constructor(
    readonly pred: ThreadPredicate,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    const step = this.gen.op(restrict(ctx, this.pred));
    if (step === null || step === 'pending') return step;
    return { op: step.op, gen: new OnThreads(this.pred, step.gen), rng: step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const thread = threadOf(ctx, event.process);
    if (thread === undefined || !this.pred(thread)) return this;
    const g = this.gen.update(restrict(ctx, this.pred), event);
    return g === this.gen ? this : new OnThreads(this.pred, g);
  }
}

/**
 * `x` restricted to threads matching `pred`. Inside, bare templates may use any thread the
 * predicate allows, including the nemesis thread.
 */
export function onThreads(pred: ThreadPredicate, x: GenLike): Generator {
  return new OnThreads(pred, gen(x));
}

export const isClientThread: ThreadPredicate = (t) => typeof t === 'number';
export const isNemesisThread: ThreadPredicate = (t) => t === 'nemesis';

/** `x` on client threads only. */
export function clients(x: GenLike): Generator {
  return onThreads(isClientThread, x);
}

/** `x` on the nemesis thread only (the one way to give the nemesis ops). */
export function nemesis(x: GenLike): Generator {
  return onThreads(isNemesisThread, x);
}

/** Client ops from `clientGen` and fault ops from `nemesisGen`, concurrently. */
export function clientsAndNemesis(clientGen: GenLike, nemesisGen: GenLike): Generator {
  return any(clients(clientGen), nemesis(nemesisGen));
}
