/**
 * `untilOk`: ops of a generator until one of its own ops completes ok. Ops still in flight
 * at that moment complete normally; the generator just emits nothing more. Its own ops are
 * tracked by process (a process has at most one op in flight); sleep and log ops do not
 * count, since the runner completes them ok by itself.
 */
import type { Op, ProcessId } from '../op.js';
import { gen, type GenLike } from './core.js';
import type { GenContext, GenStep, Generator } from './types.js';

class UntilOk implements Generator {
  constructor(
    readonly gen: Generator,
    readonly done: boolean,
    /** Processes running an op this generator emitted. */
    readonly active: ReadonlySet<ProcessId>,
  ) {}

  op(ctx: GenContext): GenStep {
    if (this.done) return null;
    const step = this.gen.op(ctx);
    if (step === null || step === 'pending') return step;
    const active = step.op.kind === undefined ? new Set(this.active).add(step.op.process) : this.active;
    return { op: step.op, gen: new UntilOk(step.gen, false, active), rng: step.rng };
  }

  update(ctx: GenContext, event: Op): Generator {
    const g = this.gen.update(ctx, event);
    if (event.type === 'invoke' || !this.active.has(event.process)) {
      return g === this.gen ? this : new UntilOk(g, this.done, this.active);
    }
    const active = new Set(this.active);
    active.delete(event.process);
    return new UntilOk(g, this.done || event.type === 'ok', active);
  }
}

/** Ops of `x` until one of them completes with type "ok"; exhausted after that. */
export function untilOk(x: GenLike): Generator {
  return new UntilOk(gen(x), false, new Set());
}
