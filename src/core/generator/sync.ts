/** `synchronize` and `phases`: wait for every thread to be idle before starting. */
import type { Op } from '../op.js';
import { gen, type GenLike, seq } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class Synchronize implements Generator {
  constructor(readonly gen: Generator) {}

  op(ctx: GenContext): GenStep {
    // "Every thread" is every thread of the context: inside onThreads, those of the scope;
    // at the top level, the nemesis too.
    if (ctx.free.length < ctx.threads.length) return 'pending';
    // Once started, the wrapper is gone: later ops need not wait for idle threads.
    return this.gen.op(ctx);
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Synchronize(g);
  }
}

/** `x`, starting only once all threads of the context are free. */
export function synchronize(x: GenLike): Generator {
  return new Synchronize(gen(x));
}

/**
 * Each generator in turn; a phase starts only after the previous one is exhausted and every
 * op in flight has completed (all threads free).
 */
export function phases(...xs: readonly GenLike[]): Generator {
  return seq(...xs.map(synchronize));
}
