/**
 * The basic generators and coercion: op templates, functions, sequences.
 */
import type { Op } from '../op.js';
import { randomFreeThread, withRng } from './context.js';
import type { GenContext, GenStep, Generator, OpTemplate, PlannedOp, SpecialKind } from './types.js';

/** A function generator: called each time an op is wanted; null ends it. */
export type GenFn = (ctx: GenContext) => GenLike;

/** Anything `gen` turns into a Generator. */
export type GenLike = Generator | OpTemplate | GenFn | readonly GenLike[] | null | undefined;

export function isGenerator(x: unknown): x is Generator {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Partial<Generator>).op === 'function' &&
    typeof (x as Partial<Generator>).update === 'function'
  );
}

/** The exhausted generator. */
export const empty: Generator = Object.freeze({
  op: (): GenStep => null,
  update(): Generator {
    return empty;
  },
});

/**
 * Emits one op and is then exhausted. Goes to the first free thread the context allows
 * (client threads at the top level, any thread of an `onThreads` scope); pending if none.
 */
export class Template implements Generator {
  constructor(
    readonly f: string,
    readonly value: unknown,
    readonly kind?: SpecialKind,
  ) {}

  op(ctx: GenContext): GenStep {
    const [thread, rng] = randomFreeThread(ctx);
    if (thread === undefined) return 'pending';
    const process = ctx.workers.get(thread);
    if (process === undefined) throw new Error(`generator: thread ${String(thread)} has no process in ctx.workers`);
    const op: PlannedOp = { process, time: ctx.time, f: this.f, value: this.value };
    if (this.kind !== undefined) op.kind = this.kind;
    return { op, gen: empty, rng };
  }

  update(): Generator {
    return this;
  }
}

/**
 * Calls `fn` whenever an op is wanted and runs what it returns to exhaustion before calling
 * it again. `fn` may draw from `ctx.rng`: it gets an independent stream split off per call,
 * and the step returns the continuation, so successive calls see different randomness.
 */
export class FnGen implements Generator {
  constructor(readonly fn: GenFn) {}

  op(ctx: GenContext): GenStep {
    let rng = ctx.rng;
    // Loop rather than recurse when fn returns something already exhausted (e.g. []).
    for (let n = 0; n < MAX_EMPTY_CALLS; n++) {
      const [fnRng, rest] = rng.split();
      rng = rest;
      const x = this.fn(withRng(ctx, fnRng));
      if (x === null || x === undefined) return null;
      const c = withRng(ctx, rng);
      const step = gen(x).op(c);
      if (step === 'pending') return 'pending';
      if (step !== null) return { op: step.op, gen: new Seq(step.gen, [this], 0), rng: step.rng };
    }
    throw new Error(`generator function returned ${MAX_EMPTY_CALLS} exhausted generators in a row; return null to end it`);
  }

  update(): Generator {
    return this;
  }
}

const MAX_EMPTY_CALLS = 10_000;

/**
 * Runs generators one after another. Only the current one sees updates: later ones have
 * not started, so events from earlier ops are not theirs.
 */
export class Seq implements Generator {
  constructor(
    readonly head: Generator,
    /** Generators after `head`, starting at `restIndex` (shared, never copied). */
    readonly rest: readonly Generator[],
    readonly restIndex: number,
  ) {}

  op(ctx: GenContext): GenStep {
    let head = this.head;
    let i = this.restIndex;
    for (;;) {
      const step = head.op(ctx);
      if (step === 'pending') return 'pending';
      if (step !== null) return { op: step.op, gen: new Seq(step.gen, this.rest, i), rng: step.rng };
      const next = this.rest[i];
      if (next === undefined) return null;
      head = next;
      i++;
    }
  }

  update(ctx: GenContext, event: Op): Generator {
    const head = this.head.update(ctx, event);
    return head === this.head ? this : new Seq(head, this.rest, this.restIndex);
  }
}

/**
 * Coerces to a Generator: a Generator is itself; an op template emits once; a function is
 * an infinite generator (see FnGen); an array is a sequence; null/undefined is exhausted.
 */
export function gen(x: GenLike): Generator {
  if (x === null || x === undefined) return empty;
  if (Array.isArray(x)) return seq(...(x as readonly GenLike[]));
  if (typeof x === 'function') return new FnGen(x as GenFn);
  if (isGenerator(x)) return x;
  if (typeof x === 'object' && typeof (x as OpTemplate).f === 'string') {
    const t = x as OpTemplate;
    return new Template(t.f, t.value);
  }
  throw new TypeError(`generator: cannot coerce ${JSON.stringify(x)} to a generator`);
}

/** The generators in order, each run to exhaustion before the next starts (no synchronization). */
export function seq(...xs: readonly GenLike[]): Generator {
  const gens = xs.map(gen);
  const head = gens[0];
  if (head === undefined) return empty;
  if (gens.length === 1) return head;
  return new Seq(head, gens, 1);
}

/**
 * `a`, then `b` once `a` is exhausted. (Not named `then`: a module exporting `then` is a
 * thenable, and `await import(...)` of it never resolves.)
 */
export function andThen(a: GenLike, b: GenLike): Generator {
  return seq(a, b);
}
