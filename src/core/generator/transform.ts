/** `filter` and `map`: look at or rewrite each op a generator emits. */
import type { Op } from '../op.js';
import { withRng } from './context.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator, PlannedOp } from './types.js';

/** Guards against a filter that rejects every op of an infinite generator. */
const MAX_REJECTIONS = 1_000_000;

class Filter implements Generator {
  constructor(
    readonly pred: (op: PlannedOp) => boolean,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    let g = this.gen;
    let c = ctx;
    for (let n = 0; n < MAX_REJECTIONS; n++) {
      const step = g.op(c);
      if (step === null || step === 'pending') return step;
      if (this.pred(step.op)) return { op: step.op, gen: new Filter(this.pred, step.gen), rng: step.rng };
      // A rejected op is skipped as if emitted, so the inner generator moves past it.
      g = step.gen;
      c = withRng(c, step.rng);
    }
    throw new Error(`filter: ${MAX_REJECTIONS} ops in a row rejected; the predicate never matches`);
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Filter(this.pred, g);
  }
}

/** Only the ops of `x` that satisfy `pred`; the others are skipped. */
export function filter(pred: (op: PlannedOp) => boolean, x: GenLike): Generator {
  return new Filter(pred, gen(x));
}

class MapGen implements Generator {
  constructor(
    readonly fn: (op: PlannedOp, ctx: GenContext) => PlannedOp,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    const step = this.gen.op(ctx);
    if (step === null || step === 'pending') return step;
    return { op: this.fn(step.op, ctx), gen: new MapGen(this.fn, step.gen), rng: step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new MapGen(this.fn, g);
  }
}

/**
 * Every op of `x` passed through `fn` (sleep and log ops too; check `op.kind`). `fn` must be
 * pure, and must not move an op to a thread that is not free.
 */
export function map(fn: (op: PlannedOp, ctx: GenContext) => PlannedOp, x: GenLike): Generator {
  return new MapGen(fn, gen(x));
}
