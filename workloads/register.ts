/**
 * Workload `register`: reads, writes and compare-and-set on a few independent keys of the
 * built-in kv service, under partitions and crashes; each key must be a linearizable
 * register. The naive variant (async replication, reads from any replica) must fail; the
 * careful one (single fsyncing primary) must pass.
 */
import { linearizable, multiRegister } from '../src/checkers/linearizability/index.js';
import { RegisterHttpClient } from '../src/clients/register-http.js';
import { eachThread } from '../src/core/generator/index.js';
import { liveKeyFinalReads, registerOps, threadsPerKeyFor } from '../src/workload-kit/register-ops.js';
import { faults } from '../src/nemesis/faults.js';
import { FAULT_KINDS } from '../src/nemesis/registry.js';
import type { Workload } from '../src/run/workload.js';
import { KV_VARIANTS, kvSystem, type KvVariant } from '../src/systems/kv/system.js';

export const workload: Workload = {
  name: 'register',
  description: 'linearizable registers (read/write/cas per key) on the built-in kv service',
  variants: KV_VARIANTS,
  faults: FAULT_KINDS,
  build(opts, nodes) {
    const system = kvSystem(opts.variant as KvVariant);
    return {
      system,
      client: new RegisterHttpClient(),
      // Rotating keys: a group of workers (one per node, at least two) on each key for
      // --ops-per-key ops; then every worker reads the keys still live.
      generator: registerOps({ opsPerKey: opts.opsPerKey, threadsPerKey: threadsPerKeyFor(nodes.length) }),
      final: (main) => eachThread(liveKeyFinalReads(main, opts.opsPerKey)),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, port: system.port, primary: system.primary }),
    };
  },
  checker(opts) {
    return linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 });
  },
};
