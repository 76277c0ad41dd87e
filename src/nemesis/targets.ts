/**
 * Which nodes a process fault hits. Concrete targets are drawn in the generator (so a seed
 * reproduces them); "primary" is resolved when the fault runs, since only the live system
 * knows its primary, and the completion records who it was.
 */
import type { Cluster } from '../cluster/cluster.js';
import type { Rng } from '../core/rng.js';
import { majority } from './grudge.js';

const TARGET_SPECS = ['one', 'minority', 'majority', 'all', 'primary'] as const;
type TargetSpec = (typeof TARGET_SPECS)[number];

/** A fault op's target: node names, or the primary to be looked up at run time. */
type Targets = string[] | 'primary';

export function pickTargets(spec: TargetSpec, nodes: readonly string[], rng: Rng): Targets {
  if (spec === 'primary') return 'primary';
  const [shuffled] = rng.shuffle(nodes);
  const n = nodes.length;
  const count = { one: 1, minority: Math.max(1, Math.floor((n - 1) / 2)), majority: majority(n), all: n }[spec];
  return shuffled.slice(0, count).sort();
}

/** Targets of a process fault (kill, pause): a spec drawn from those the system allows, then its nodes. */
export function drawProcessTargets(nodes: readonly string[], rng: Rng, o: { primary: boolean }): Targets {
  const [spec, r] = rng.pick(TARGET_SPECS.filter((t) => t !== 'primary' || o.primary));
  return pickTargets(spec, nodes, r);
}

/** Finds the system's current primary, if it has one (see SystemSpec.primary). */
export type PrimaryResolver = (cluster: Cluster) => Promise<string | undefined>;

/** Turns a fault's targets into node names; "primary" without a resolver is an error. */
export async function resolveTargets(value: unknown, cluster: Cluster, primary?: PrimaryResolver): Promise<string[]> {
  const nodes = cluster.nodes;
  if (value === 'primary') {
    const p = await primary?.(cluster);
    if (!p) throw new Error('the system under test names no primary');
    return [p];
  }
  if (value === 'all' || value === null || value === undefined) return [...nodes];
  return (Array.isArray(value) ? value : [value]).map(String);
}
