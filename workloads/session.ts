/**
 * Workload `session`: client sessions add unique elements to a few sets of the gossip
 * store and read them back; the four session guarantees are checked per session
 * (read-your-writes, monotonic reads, monotonic writes, writes-follow-reads).
 *
 * The variant picks the store and how sessions behave:
 *  - `careful`: careful store; sessions roam to a random node on every op and carry the
 *    store's session token, so a lagging node waits to catch up (or refuses). Must pass.
 *  - `careful-no-tokens`: careful store; sessions roam without tokens. Partitions make
 *    them read from replicas that have not seen their writes: must fail.
 *  - `careful-sticky`: careful store; each session stays on its worker's node, no tokens.
 *    A replica's state only grows and is delivered causally, so this passes.
 *  - `naive`: naive store, sessions roam without tokens. Must fail.
 */
import { sessionChecker } from '../src/checkers/session.js';
import { GossipHttpClient } from '../src/clients/gossip-http.js';
import { gen } from '../src/core/generator/index.js';
import type { GenContext } from '../src/core/generator/types.js';
import type { Workload } from '../src/run/workload.js';
import { FAULT_KINDS } from '../src/nemesis/registry.js';
import { gossipSystem } from '../src/systems/gossip/system.js';
import { gossipFaults, uniqueElement } from './set.js';

export const SESSION_VARIANTS = ['careful', 'careful-no-tokens', 'careful-sticky', 'naive'] as const;
export const SESSION_KEYS = ['s0', 's1', 's2'];

export const workload: Workload = {
  name: 'session',
  description: 'session guarantees (RYW, monotonic reads/writes, writes-follow-reads) on the gossip store, sticky or roaming, with or without tokens',
  variants: SESSION_VARIANTS,
  faults: FAULT_KINDS,
  build(opts, nodes) {
    const system = gossipSystem(opts.variant.startsWith('careful') ? 'careful' : 'naive');
    const roam = opts.variant !== 'careful-sticky';
    return {
      system,
      client: new GossipHttpClient({ type: 'set', tokens: opts.variant === 'careful' }),
      generator: gen((ctx: GenContext) => {
        const [key, r1] = ctx.rng.pick(SESSION_KEYS);
        const [node, r2] = r1.pick(nodes);
        const [read, r3] = r2.bool(0.5);
        const where = roam ? { node } : {};
        if (read) return { f: 'read', value: { key, ...where } };
        const [element] = uniqueElement({ ...ctx, rng: r3 });
        return { f: 'add', value: { key, element, ...where } };
      }),
      faults: gossipFaults(opts, nodes, system.port),
    };
  },
  checker() {
    return sessionChecker();
  },
};
