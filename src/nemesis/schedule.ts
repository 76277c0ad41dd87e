/**
 * Fault schedules as generators: wait, start a fault, wait, undo it, forever (the time
 * limit of the main phase ends it). Targets are drawn from the generator's seeded random
 * source, so a seed reproduces the schedule; the history records what was actually done.
 */
import { gen, sleep } from '../core/generator/index.js';
import type { GenContext, Generator, OpTemplate } from '../core/generator/types.js';
import type { Rng } from '../core/rng.js';
import { completeGrudge, halves } from './grudge.js';

/** Fault kinds the basic nemesis knows; the full catalogue is its own issue. */
export const FAULT_KINDS = ['partition', 'kill', 'pause'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The op that starts a fault of `kind`, with targets drawn from `rng`. */
export function startFault(kind: FaultKind, nodes: readonly string[], rng: Rng): OpTemplate {
  switch (kind) {
    case 'partition': {
      const [shuffled] = rng.shuffle(nodes);
      return { f: 'start-partition', value: completeGrudge(halves(shuffled)) };
    }
    case 'kill': {
      const [node] = rng.pick(nodes);
      return { f: 'kill', value: [node] };
    }
    case 'pause': {
      const [node] = rng.pick(nodes);
      return { f: 'pause', value: [node] };
    }
  }
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
  }
}

/**
 * Every `interval` seconds one fault of a kind drawn from `kinds` starts; `interval`
 * seconds later it is undone. Use inside `nemesis(...)`.
 */
export function faultCycle(kinds: readonly FaultKind[], nodes: readonly string[], interval: number): Generator {
  if (kinds.length === 0) return gen(null);
  return gen((ctx: GenContext) => {
    const [kind, r1] = ctx.rng.pick(kinds);
    return [sleep(interval), startFault(kind, nodes, r1), sleep(interval), stopFault(kind)];
  });
}

/** Undoes every fault kind in `kinds`, for the end of the main phase. */
export function healAll(kinds: readonly FaultKind[]): Generator {
  return gen(kinds.map(stopFault));
}

export function isFaultKind(x: string): x is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(x);
}
