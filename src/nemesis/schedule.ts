/**
 * Fault schedules as generators: wait, start a fault, wait, undo it, forever (the time
 * limit of the main phase ends it) — Jepsen's combined nemesis, one fault at a time.
 * Which fault and which targets are drawn from the generator's seeded random source, so a
 * seed reproduces the schedule; the history records what was actually done.
 */
import { gen, sleep } from '../core/generator/index.js';
import type { GenContext, Generator, OpTemplate } from '../core/generator/types.js';
import type { Rng } from '../core/rng.js';
import { bridge, completeGrudge, halves, isolate, majoritiesRing, oneWay } from './grudge.js';
import { pickTargets, TARGET_SPECS, type TargetSpec } from './targets.js';

export const FAULT_KINDS = ['partition', 'kill', 'pause', 'clock', 'loss', 'bandwidth', 'latency'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const PARTITION_SHAPES = ['halves', 'one', 'primary', 'majorities-ring', 'bridge', 'one-way'] as const;
export type PartitionShape = (typeof PARTITION_SHAPES)[number];

export interface ScheduleOptions {
  /** The system can name its primary, so "primary" targets and shapes are allowed. */
  primary?: boolean;
  /** Only these partition shapes (e.g. always isolate the primary); default: every one that fits. */
  shapes?: readonly PartitionShape[];
}

/** A partition op of the given shape over the nodes, drawn from `rng`. */
export function partitionOp(shape: PartitionShape, nodes: readonly string[], rng: Rng): OpTemplate {
  const [shuffled, r1] = rng.shuffle(nodes);
  switch (shape) {
    case 'halves':
      return { f: 'start-partition', value: { shape, grudge: completeGrudge(halves(shuffled)) } };
    case 'one':
      return { f: 'start-partition', value: { shape, grudge: isolate(shuffled[0]!, nodes) } };
    case 'primary':
      return { f: 'start-partition', value: { shape } };
    case 'majorities-ring':
      return { f: 'start-partition', value: { shape, grudge: majoritiesRing(shuffled) } };
    case 'bridge':
      return { f: 'start-partition', value: { shape, grudge: bridge(shuffled) } };
    case 'one-way': {
      const [a, b] = halves(shuffled);
      // Either the minority goes deaf to the majority or the other way round.
      const [flip] = r1.bool();
      return { f: 'start-partition', value: { shape, grudge: flip ? oneWay(a, b) : oneWay(b, a) } };
    }
  }
}

/** Shapes that make sense for this many nodes (a ring or bridge needs at least 3). */
function shapesFor(nodes: readonly string[], o: ScheduleOptions): PartitionShape[] {
  return PARTITION_SHAPES.filter((s) => (s !== 'primary' || o.primary) && (nodes.length >= 3 || s === 'halves' || s === 'one') && (o.shapes?.includes(s) ?? true));
}

function targetSpecs(o: ScheduleOptions): TargetSpec[] {
  return TARGET_SPECS.filter((t) => t !== 'primary' || o.primary);
}

/** The op that starts a fault of `kind`, with targets drawn from `rng`. */
export function startFault(kind: FaultKind, nodes: readonly string[], rng: Rng, o: ScheduleOptions = {}): OpTemplate {
  switch (kind) {
    case 'partition': {
      const [shape, r] = rng.pick(shapesFor(nodes, o));
      return partitionOp(shape, nodes, r);
    }
    case 'kill':
    case 'pause': {
      const [spec, r] = rng.pick(targetSpecs(o));
      return { f: kind, value: pickTargets(spec, nodes, r) };
    }
    case 'clock': {
      const [strobe, r1] = rng.bool(0.3);
      if (strobe) {
        const [node, r2] = r1.pick(nodes);
        const [delta, r3] = r2.uniform(1, 10);
        const [periodMs] = r3.int(90);
        return { f: 'clock-strobe', value: { nodes: [node], delta: round(delta), periodMs: 10 + periodMs, duration: 3 } };
      }
      const [targets, r2] = r1.shuffle(nodes);
      const [count, r3] = r2.int(nodes.length);
      let rr = r3;
      const offsets: Record<string, number> = {};
      for (const n of targets.slice(0, count + 1)) {
        const [s, next] = rr.uniform(-60, 60);
        offsets[n] = round(s);
        rr = next;
      }
      return { f: 'clock-bump', value: offsets };
    }
    case 'loss': {
      const [spec, r1] = rng.pick(['one', 'minority', 'all'] as const);
      const [p] = r1.uniform(0.1, 0.5);
      return { f: 'start-loss', value: { nodes: pickTargets(spec, nodes, r1), probability: round(p) } };
    }
    case 'bandwidth': {
      const [spec, r1] = rng.pick(['one', 'minority', 'all'] as const);
      const [rate] = r1.pick(['64kbit', '256kbit', '1mbit']);
      return { f: 'start-bandwidth', value: { nodes: pickTargets(spec, nodes, r1), rate } };
    }
    case 'latency': {
      // Slowing the primary's inbound links is what hurts a primary-based design most.
      const [spec, r1] = rng.pick(o.primary ? (['one', 'minority', 'all', 'primary'] as const) : (['one', 'minority', 'all'] as const));
      const [delay, r2] = r1.uniform(20, 300);
      const [jitter, r3] = r2.uniform(0, delay / 2);
      const [resetProbability] = r3.pick([0, 0, 0.05, 0.2]);
      return { f: 'start-latency', value: { nodes: pickTargets(spec, nodes, r1), delayMs: Math.round(delay), jitterMs: Math.round(jitter), resetProbability } };
    }
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The op that undoes every fault of `kind`. */
export function stopFault(kind: FaultKind): OpTemplate {
  switch (kind) {
    case 'partition':
      return { f: 'stop-partition', value: null };
    case 'kill':
      return { f: 'start', value: 'all' };
    case 'pause':
      return { f: 'resume', value: 'all' };
    case 'clock':
      return { f: 'clock-reset', value: 'all' };
    case 'loss':
      return { f: 'stop-loss', value: null };
    case 'bandwidth':
      return { f: 'stop-bandwidth', value: null };
    case 'latency':
      return { f: 'stop-latency', value: null };
  }
}

/**
 * Every `interval` seconds one fault of a kind drawn from `kinds` starts; `interval`
 * seconds later it is undone. Use inside `nemesis(...)`.
 */
export function faultCycle(kinds: readonly FaultKind[], nodes: readonly string[], interval: number, o: ScheduleOptions = {}): Generator {
  if (kinds.length === 0) return gen(null);
  return gen((ctx: GenContext) => {
    const [kind, r1] = ctx.rng.pick(kinds);
    return [sleep(interval), startFault(kind, nodes, r1, o), sleep(interval), stopFault(kind)];
  });
}

/** Undoes every fault kind in `kinds`, for the end of the main phase. */
export function healAll(kinds: readonly FaultKind[]): Generator {
  return gen(kinds.map(stopFault));
}

export function isFaultKind(x: string): x is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(x);
}
