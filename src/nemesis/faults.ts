/**
 * `faults(kinds, options)`: what a workload asks for once to get its fault injection — the
 * nemesis that carries out the kinds' ops, the generator of fault ops for the main phase,
 * and the ops that heal everything afterwards (Jepsen's nemesis package, composed).
 *
 *   build(opts, nodes) {
 *     const system = kvSystem(opts.variant);
 *     return { system, client, generator,
 *       faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap,
 *                                      port: system.port, primary: system.primary }) };
 *   }
 *
 * One at a time (the default): every `interval` seconds a fault of a kind drawn from the
 * seeded generator starts, and one interval later it is undone. With `overlap`, each kind
 * runs its own cycle — a fault lasting one interval, then a pause of 0.5–1.5 intervals —
 * and the cycles are combined with `any` (Jepsen's combined packages), so faults of
 * different kinds are in force at once. Either way a seed reproduces the schedule.
 */
import { any, empty, gen, log, secondsToNs, sleep, withRng, type GenContext, type GenStep, type Generator } from '../core/generator/index.js';
import { composeNemeses, type Nemesis } from './nemesis.js';
import type { DrawOptions, FaultPackage } from './package.js';
import { FAULT_KINDS, faultPackage, type FaultKind } from './registry.js';
import type { PartitionShape } from './partition.js';
import type { PrimaryResolver } from './targets.js';

export interface FaultOptions {
  /** The cluster's nodes, which faults are drawn over. */
  nodes: readonly string[];
  /** Seconds a fault lasts and (one at a time) between faults: `--nemesis-interval`. */
  interval: number;
  /** Faults of different kinds may overlap: `--faults-overlap`. */
  overlap?: boolean;
  /** The system's primary, when it names one: enables "primary" targets and shapes. */
  primary?: PrimaryResolver;
  /** The service port inside each node (latency faults proxy it). */
  port?: number;
  /** Partitions draw only these shapes (redis: always the primary isolated); default: all that fit. */
  shapes?: readonly PartitionShape[];
}

export interface FaultPlan {
  readonly kinds: readonly FaultKind[];
  /** Carries out every kind's ops; its teardown heals whatever is still in force. */
  readonly nemesis: Nemesis;
  /** Fault ops of the main phase (use inside `nemesis(...)`). */
  readonly generator: Generator;
  /** Undoes every kind, for the end of the main phase. */
  readonly heal: Generator;
}

export function faults(kinds: readonly string[], o: FaultOptions): FaultPlan {
  const pkgs = kinds.map((k) => {
    const p = faultPackage(k);
    if (!p) throw new RangeError(`unknown fault kind "${k}"; known: ${FAULT_KINDS.join(', ')}`);
    return p;
  });
  const draw: DrawOptions = { primary: o.primary !== undefined, ...(o.shapes ? { shapes: o.shapes } : {}) };
  const nemesisOptions = { ...(o.primary ? { primary: o.primary } : {}), ...(o.port !== undefined ? { port: o.port } : {}) };
  return {
    kinds: pkgs.map((p) => p.kind),
    nemesis: composeNemeses(pkgs.map((p) => p.nemesis(nemesisOptions))),
    generator: pkgs.length === 0 ? empty : o.overlap ? any(...pkgs.map((p) => new OwnCycle(p, o.nodes, secondsToNs(o.interval), draw, undefined))) : oneAtATime(pkgs, o.nodes, o.interval, draw),
    heal: gen(pkgs.map((p) => p.stop())),
  };
}

/** Wait, start a fault of a kind drawn from `pkgs`, wait, undo it; forever. */
function oneAtATime(pkgs: readonly FaultPackage[], nodes: readonly string[], interval: number, draw: DrawOptions): Generator {
  return gen((ctx: GenContext) => {
    const [pkg, r1] = ctx.rng.pick(pkgs);
    return [sleep(interval), pkg.draw(nodes, r1, draw), sleep(interval), pkg.stop()];
  });
}

/**
 * One kind's own cycle for `any`: its ops carry their due time instead of sleeping on the
 * nemesis thread (a sleep there would hold up every other kind). The first ask emits a log
 * line and fixes the cycle's start; then start and stop alternate, a fault lasting one
 * interval and the pause after it 0.5–1.5 intervals, drawn from the seeded stream.
 */
class OwnCycle implements Generator {
  constructor(
    readonly pkg: FaultPackage,
    readonly nodes: readonly string[],
    readonly intervalNs: number,
    readonly draw: DrawOptions,
    /** The next op's due time (ns) and whether it starts a fault; undefined before the first ask. */
    readonly next: { at: number; start: boolean } | undefined,
  ) {}

  op(ctx: GenContext): GenStep {
    if (this.next === undefined) {
      const step = log(`${this.pkg.kind} faults on a cycle of their own (--faults-overlap)`).op(ctx);
      if (step === null || step === 'pending') return step;
      const [gap, rng] = this.pause(step.rng);
      return { op: step.op, gen: this.then({ at: step.op.time + gap, start: true }), rng };
    }
    const [drawRng, rest] = ctx.rng.split();
    const template = this.next.start ? this.pkg.draw(this.nodes, drawRng, this.draw) : this.pkg.stop();
    const step = gen(template).op(withRng(ctx, rest));
    if (step === null || step === 'pending') return step;
    // The op carries its due time even when that is past (the nemesis was busy): `any`
    // then serves the most overdue kind first instead of always the first-listed one.
    // The next op is due counting from when this one actually goes.
    const op = { ...step.op, time: this.next.at };
    const goes = Math.max(step.op.time, this.next.at);
    if (this.next.start) return { op, gen: this.then({ at: goes + this.intervalNs, start: false }), rng: step.rng };
    const [gap, rng] = this.pause(step.rng);
    return { op, gen: this.then({ at: goes + gap, start: true }), rng };
  }

  update(): Generator {
    return this;
  }

  private then(next: { at: number; start: boolean }): OwnCycle {
    return new OwnCycle(this.pkg, this.nodes, this.intervalNs, this.draw, next);
  }

  private pause(rng: GenContext['rng']): [number, GenContext['rng']] {
    const [u, r] = rng.uniform(0.5, 1.5);
    return [Math.round(u * this.intervalNs), r];
  }
}
