/**
 * Workload `set`: unique elements added to one observed-remove set of the gossip store
 * (src/systems/gossip), reads of the whole set on every node during partitions, crashes
 * and clock skew, then after the heal every node read repeatedly. Checked like Jepsen's
 * set-full (lost, unexpected, stale elements, time to stable visibility) plus convergence
 * (all replicas identical, holding every acknowledged add, within the settle deadline).
 * careful must pass; naive (live push only, lazy persistence) must lose elements.
 */
import { compose } from '../src/checkers/checker.js';
import { convergence, setConvergence } from '../src/checkers/convergence.js';
import { setChecker } from '../src/checkers/set.js';
import { GossipHttpClient } from '../src/clients/gossip-http.js';
import { eachThread, gen, sleep } from '../src/core/generator/index.js';
import type { GenContext, Generator } from '../src/core/generator/types.js';
import type { TestOptions } from '../src/core/test.js';
import { faults, type FaultPlan } from '../src/nemesis/faults.js';
import { FAULT_KINDS } from '../src/nemesis/registry.js';
import type { Workload } from '../src/run/workload.js';
import { GOSSIP_VARIANTS, gossipSystem, type GossipVariant } from '../src/systems/gossip/system.js';

/** Final reads per worker and the pause between them: together the settle window. */
export const FINAL_READS = 12;
export const FINAL_READ_GAP_S = 0.5;

/** A unique element drawn from the seeded stream (reproducible, collisions ~never). */
export function uniqueElement(ctx: GenContext): [string, GenContext['rng']] {
  const [a, r1] = ctx.rng.int(36 ** 5);
  const [b, r2] = r1.int(36 ** 5);
  return [`e${a.toString(36).padStart(5, '0')}${b.toString(36).padStart(5, '0')}`, r2];
}

/** Every worker reads its node again and again: what convergence is measured on. */
export function repeatedFinalReads(value: unknown = null): Generator {
  return eachThread(Array.from({ length: FINAL_READS }, () => [{ f: 'read', value }, sleep(FINAL_READ_GAP_S)]).flat());
}

/** Seconds after the heal by which every replica must have converged. */
export function settleSeconds(opts: TestOptions): number {
  return opts.recoveryTime + FINAL_READS * FINAL_READ_GAP_S;
}

/** The faults every gossip workload takes (no primary: all replicas are equal). */
export function gossipFaults(opts: TestOptions, nodes: readonly string[], port: number): FaultPlan {
  return faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, port });
}

export const workload: Workload = {
  name: 'set',
  description: 'adds to an observed-remove set on the gossip store; lost/unexpected/stale elements and convergence',
  variants: GOSSIP_VARIANTS,
  faults: FAULT_KINDS,
  build(opts, nodes) {
    const system = gossipSystem(opts.variant as GossipVariant);
    return {
      system,
      client: new GossipHttpClient({ type: 'set' }),
      generator: gen((ctx: GenContext) => {
        const [read, r] = ctx.rng.bool(0.25);
        if (read) return { f: 'read', value: null };
        const [element] = uniqueElement({ ...ctx, rng: r });
        return { f: 'add', value: element };
      }),
      final: repeatedFinalReads(),
      faults: gossipFaults(opts, nodes, system.port),
    };
  },
  checker(opts) {
    // Named so the verdict line says what was checked (compose alone is called "compose").
    return { ...compose([setChecker(), convergence(setConvergence, { settleSeconds: settleSeconds(opts) })]), name: 'eventual' };
  },
};
