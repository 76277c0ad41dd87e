/**
 * Gives a generator a random stream of its own, independent of what other generators draw.
 * The nemesis schedule uses it: clients and faults share one context, and which of them
 * draws first depends on timing, so with one shared stream the same seed could give a
 * different fault schedule. With its own stream, the faults depend on the seed alone.
 */
import type { Op } from '../op.js';
import { Rng } from '../rng.js';
import { withRng } from './context.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class OwnRng implements Generator {
  constructor(
    readonly rng: Rng,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    const step = this.gen.op(withRng(ctx, this.rng));
    if (step === null || step === 'pending') return step;
    // The shared stream is left as it was; ours moves on.
    return { op: step.op, gen: new OwnRng(step.rng, step.gen), rng: ctx.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(withRng(ctx, this.rng), event);
    return g === this.gen ? this : new OwnRng(this.rng, g);
  }
}

/** `x`, drawing its randomness from a stream seeded with `seed` instead of the shared one. */
export function ownRng(seed: number, x: GenLike): Generator {
  return new OwnRng(Rng.seeded(seed), gen(x));
}
