/** `alternate` (Jepsen's flip-flop): ops from a, b, a, b, ... until either is exhausted. */
import type { Op } from '../op.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class Alternate implements Generator {
  constructor(
    readonly gens: readonly [Generator, Generator],
    readonly turn: 0 | 1,
  ) {}

  op(ctx: GenContext): GenStep {
    const step = this.gens[this.turn].op(ctx);
    if (step === null || step === 'pending') return step;
    const gens: [Generator, Generator] = [this.gens[0], this.gens[1]];
    gens[this.turn] = step.gen;
    return { op: step.op, gen: new Alternate(gens, this.turn === 0 ? 1 : 0), rng: step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const a = this.gens[0].update(ctx, event);
    const b = this.gens[1].update(ctx, event);
    return a === this.gens[0] && b === this.gens[1] ? this : new Alternate([a, b], this.turn);
  }
}

/** Alternates between `a` and `b`, starting with `a`; stops when the one whose turn it is ends. */
export function alternate(a: GenLike, b: GenLike): Generator {
  return new Alternate([gen(a), gen(b)], 0);
}
