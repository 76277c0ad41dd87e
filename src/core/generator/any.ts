/**
 * `any`: several generators at once; each op comes from whichever is ready soonest (the
 * earliest op time; ties go to the earlier argument). All members hear every event.
 */
import type { Op } from '../op.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class Any implements Generator {
  constructor(readonly gens: readonly Generator[]) {}

  op(ctx: GenContext): GenStep {
    let best: { i: number; step: Exclude<GenStep, 'pending' | null> } | undefined;
    let pending = false;
    const alive: boolean[] = [];
    // Every member is asked with the same rng; only the chosen member's draws are kept,
    // so the others' asking leaves no trace.
    this.gens.forEach((g, i) => {
      const step = g.op(ctx);
      alive[i] = step !== null;
      if (step === null) return;
      if (step === 'pending') pending = true;
      else if (best === undefined || step.op.time < best.step.op.time) best = { i, step };
    });
    if (best === undefined) return pending ? 'pending' : null;
    const chosen = best;
    // Drop exhausted members while we are building a new value anyway.
    const next = this.gens.flatMap((g, i) => (i === chosen.i ? [chosen.step.gen] : alive[i] ? [g] : []));
    return { op: chosen.step.op, gen: new Any(next), rng: chosen.step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    let changed = false;
    const next = this.gens.map((g) => {
      const u = g.update(ctx, event);
      if (u !== g) changed = true;
      return u;
    });
    return changed ? new Any(next) : this;
  }
}

/** Whichever of the generators has an op soonest; exhausted when all are. */
export function any(...xs: readonly GenLike[]): Generator {
  return new Any(xs.map(gen));
}
