/**
 * Time-based combinators. Parameters are seconds; op and context times are nanoseconds.
 * None of them reads a clock: they only look at `ctx.time` and at the times of ops.
 */
import type { Op } from '../op.js';
import { secondsToNs } from './context.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class TimeLimit implements Generator {
  constructor(
    readonly dt: number,
    /** Set from the first op's time; undefined until then. */
    readonly cutoff: number | undefined,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    // Once the clock is past the cutoff no op can qualify; stop rather than wait on a
    // pending inner generator.
    if (this.cutoff !== undefined && ctx.time >= this.cutoff) return null;
    const step = this.gen.op(ctx);
    if (step === null || step === 'pending') return step;
    const cutoff = this.cutoff ?? step.op.time + this.dt;
    if (step.op.time >= cutoff) return null;
    return { op: step.op, gen: new TimeLimit(this.dt, cutoff, step.gen), rng: step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new TimeLimit(this.dt, this.cutoff, g);
  }
}

/** Ops of `x` whose time is before (time of its first op) + `seconds`; then exhausted. */
export function timeLimit(seconds: number, x: GenLike): Generator {
  return new TimeLimit(secondsToNs(seconds), undefined, gen(x));
}

/**
 * Spaces ops out: each op's time is at least `next`, and after emitting at time t the next
 * op may not come before t + gap, where gap is uniform in [0, 2·dt) for stagger and dt for
 * delay. The spacing is from the time actually given to the previous op, so a backlog
 * (all threads busy) does not turn into a burst of catch-up ops.
 */
class Spaced implements Generator {
  constructor(
    readonly dt: number,
    readonly random: boolean,
    readonly next: number | undefined,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): GenStep {
    const step = this.gen.op(ctx);
    if (step === null || step === 'pending') return step;
    const time = Math.max(step.op.time, this.next ?? 0);
    let rng = step.rng;
    let gap = this.dt;
    if (this.random) {
      const [u, r] = rng.next();
      rng = r;
      gap = Math.floor(u * 2 * this.dt);
    }
    return {
      op: time === step.op.time ? step.op : { ...step.op, time },
      gen: new Spaced(this.dt, this.random, time + gap, step.gen),
      rng,
    };
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Spaced(this.dt, this.random, this.next, g);
  }
}

/**
 * Each op of `x` at a uniformly random delay in [0, 2·seconds) after the previous op's
 * scheduled time (mean spacing `seconds`), across the whole generator, not per thread.
 */
export function stagger(seconds: number, x: GenLike): Generator {
  return new Spaced(secondsToNs(seconds), true, undefined, gen(x));
}

/** About `hz` ops per second on average: stagger(1 / hz). */
export function rate(hz: number, x: GenLike): Generator {
  if (!(hz > 0) || !Number.isFinite(hz)) throw new RangeError(`rate: hz must be a positive number, got ${hz}`);
  return stagger(1 / hz, x);
}

/** Ops of `x` at least exactly `seconds` apart (the first op is not delayed). */
export function delay(seconds: number, x: GenLike): Generator {
  return new Spaced(secondsToNs(seconds), false, undefined, gen(x));
}
