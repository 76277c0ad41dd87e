/** `cycle`: restart a finite generator from its initial value whenever it is exhausted. */
import type { Op } from '../op.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class Cycle implements Generator {
  constructor(
    readonly original: Generator,
    /** Runs left, counting the current one; Infinity for forever. */
    readonly remaining: number,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    let remaining = this.remaining;
    let g = this.gen;
    let fresh = g === this.original;
    while (remaining > 0) {
      const step = g.op(ctx);
      if (step === 'pending') return 'pending';
      if (step !== null) return { op: step.op, gen: new Cycle(this.original, remaining, step.gen), rng: step.rng };
      // A fresh copy that is exhausted at once would spin forever: it never emits.
      if (fresh) return null;
      remaining--;
      g = this.original;
      fresh = true;
    }
    return null;
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Cycle(this.original, this.remaining, g);
  }
}

/** `x` run `times` times (forever without `times`), each run from `x`'s initial value. */
export function cycle(x: GenLike, times?: number): Generator {
  if (times !== undefined && (!Number.isInteger(times) || times < 0)) throw new RangeError(`cycle: times must be a non-negative integer, got ${times}`);
  const g = gen(x);
  return new Cycle(g, times ?? Infinity, g);
}
