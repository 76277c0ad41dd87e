/**
 * `mix`: each op comes from a uniformly random generator of the set. A generator that is
 * exhausted is dropped and the pick is redrawn; the mix ends when all are exhausted.
 */
import type { Op } from '../op.js';
import { withRng } from './context.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class Mix implements Generator {
  constructor(readonly gens: readonly Generator[]) {}

  op(ctx: GenContext): GenStep {
    let gens = this.gens;
    let rng = ctx.rng;
    while (gens.length > 0) {
      const [i, r] = rng.int(gens.length);
      rng = r;
      const g = gens[i] as Generator;
      const step = g.op(withRng(ctx, rng));
      // Pending: nothing is committed, so the same draw is made when asked again (as Jepsen
      // keeps its pre-chosen index) unless other ops advance the rng meanwhile.
      if (step === 'pending') return 'pending';
      if (step !== null) {
        const next = gens.slice();
        next[i] = step.gen;
        return { op: step.op, gen: new Mix(next), rng: step.rng };
      }
      gens = gens.filter((_, j) => j !== i);
    }
    return null;
  }

  update(ctx: GenContext, event: Op): Generator {
    // Every member hears every event, so e.g. an untilOk inside a mix still sees its ok.
    let changed = false;
    const next = this.gens.map((g) => {
      const u = g.update(ctx, event);
      if (u !== g) changed = true;
      return u;
    });
    return changed ? new Mix(next) : this;
  }
}

/** A uniformly random member per op. */
export function mix(xs: readonly GenLike[]): Generator {
  return new Mix(xs.map(gen));
}
