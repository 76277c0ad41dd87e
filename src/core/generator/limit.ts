/** `limit` and `once`: cap the number of ops a generator emits. */
import type { Op } from '../op.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class Limit implements Generator {
  constructor(
    readonly remaining: number,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    if (this.remaining <= 0) return null;
    const step = this.gen.op(ctx);
    if (step === null || step === 'pending') return step;
    return { op: step.op, gen: new Limit(this.remaining - 1, step.gen), rng: step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Limit(this.remaining, g);
  }
}

/** At most `n` ops of `x` (then exhausted, even if `x` is not). */
export function limit(n: number, x: GenLike): Generator {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`limit: n must be a non-negative integer, got ${n}`);
  return new Limit(n, gen(x));
}

/** Only the first op of `x`. */
export function once(x: GenLike): Generator {
  return limit(1, x);
}
