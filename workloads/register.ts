/**
 * Workload `register`: reads, writes and compare-and-set on a few independent keys of the
 * built-in kv service, under partitions and crashes; each key must be a linearizable
 * register. The naive variant (async replication, reads from any replica) must fail; the
 * careful one (single fsyncing primary) must pass.
 */
import { linearizable, multiRegister } from '../src/checkers/linearizability/index.js';
import { RegisterHttpClient } from '../src/clients/register-http.js';
import { eachThread, gen } from '../src/core/generator/index.js';
import type { GenContext } from '../src/core/generator/types.js';
import type { Workload } from '../src/core/workload.js';
import { basicNemesis } from '../src/nemesis/basic.js';
import { FAULT_KINDS, faultCycle, healAll, isFaultKind, type FaultKind } from '../src/nemesis/schedule.js';
import { KV_VARIANTS, kvSystem, type KvVariant } from '../src/systems/kv/system.js';

/** Few keys keep many ops per key (more chances to see an anomaly); values stay small so writes collide. */
export const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
const VALUES = 5;

/** One random op on a random key: reads, writes and cas in equal shares. */
export function registerOp(ctx: GenContext) {
  const [key, r1] = ctx.rng.pick(KEYS);
  const [which, r2] = r1.int(3);
  const [a, r3] = r2.int(VALUES);
  const [b] = r3.int(VALUES);
  if (which === 0) return { f: 'read', value: [key, null] };
  if (which === 1) return { f: 'write', value: [key, a] };
  return { f: 'cas', value: [key, [a, b]] };
}

export const workload: Workload = {
  name: 'register',
  description: 'linearizable registers (read/write/cas per key) on the built-in kv service',
  variants: KV_VARIANTS,
  faults: FAULT_KINDS,
  build(opts, nodes) {
    const kinds = opts.nemesis.filter(isFaultKind) as FaultKind[];
    const system = kvSystem(opts.variant as KvVariant);
    return {
      system,
      client: new RegisterHttpClient(),
      generator: gen(registerOp),
      final: eachThread(KEYS.map((k) => ({ f: 'read', value: [k, null] }))),
      nemesis: basicNemesis(kinds, { port: system.port, ...(system.primary ? { primary: system.primary } : {}) }),
      nemesisGenerator: faultCycle(kinds, nodes, opts.nemesisInterval, { primary: system.primary !== undefined }),
      heal: healAll(kinds),
    };
  },
  checker(opts) {
    return linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 });
  },
};
