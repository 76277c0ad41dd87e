/**
 * `repeat`: the first op of a generator, over and over. The inner generator is not advanced
 * by its own ops (as in Jepsen), so `repeat({f: 'read'})` reads forever and
 * `repeat(mix([a, b]))` re-draws from the same mix each time.
 */
import type { Op } from '../op.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class Repeat implements Generator {
  constructor(
    readonly gen: Generator,
    /** Ops left to emit; Infinity for unbounded. */
    readonly remaining: number,
  ) {}

  op(ctx: GenContext): GenStep {
    if (this.remaining <= 0) return null;
    const step = this.gen.op(ctx);
    if (step === null || step === 'pending') return step;
    return { op: step.op, gen: new Repeat(this.gen, this.remaining - 1), rng: step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Repeat(g, this.remaining);
  }
}

/** Emits `x`'s first op `n` times (forever without `n`). */
export function repeat(x: GenLike, n?: number): Generator {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new RangeError(`repeat: n must be a non-negative integer, got ${n}`);
  return new Repeat(gen(x), n ?? Infinity);
}
