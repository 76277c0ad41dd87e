/**
 * Workload `etcd`: etcd 3.4 as a linearizable register per key (read, write, cas through
 * the v3 JSON gateway) under partitions and kills, on the Docker backend. With
 * `--reads serializable` reads skip the quorum and may be stale: the checker should say so.
 * `--reads` is this workload's own option (declared here, in `options`).
 */
import { linearizable, multiRegister } from '../src/checkers/linearizability/index.js';
import { EtcdClient, type EtcdReads } from '../src/clients/etcd.js';
import { eachThread } from '../src/core/generator/index.js';
import { clock } from '../src/nemesis/clock.js';
import { faults } from '../src/nemesis/faults.js';
import { FAULT_KINDS } from '../src/nemesis/registry.js';
import { choice, defineOption } from '../src/run/options/spec.js';
import type { Workload } from '../src/run/workload.js';
import { ETCD_PEER_PORT, etcdLeader, etcdSystem } from '../src/systems/etcd/system.js';
import { liveKeyFinalReads, registerOps, threadsPerKeyFor } from '../src/workload-kit/register-ops.js';

export const reads = defineOption<EtcdReads>({
  key: 'reads',
  flag: 'reads',
  type: choice(['linearizable', 'serializable']),
  default: 'linearizable',
  help: "quorum reads, or serializable reads from the member's local state (may be stale)",
  replay: true,
});

export const workload: Workload = {
  name: 'etcd',
  description: 'etcd 3.4 (Debian etcd-server) as linearizable registers per key, via its v3 JSON gateway',
  variants: ['3.4'],
  // Not clock: etcd is a Go program reading time through the vDSO, out of libfaketime's reach.
  faults: FAULT_KINDS.filter((k) => k !== clock.kind),
  options: [reads],
  build(opts, nodes) {
    const system = etcdSystem(`faultline-${opts.seed}`);
    return {
      system,
      client: new EtcdClient(reads.get(opts)),
      // Rotating keys: a group of workers (one per node, at least two) on each key for
      // --ops-per-key ops; then every worker reads the keys still live.
      generator: registerOps({ opsPerKey: opts.opsPerKey, threadsPerKey: threadsPerKeyFor(nodes.length) }),
      final: (main) => eachThread(liveKeyFinalReads(main, opts.opsPerKey)),
      // "primary" targets (kill/pause/isolate the leader) resolve to etcd's raft leader.
      // Latency faults slow the raft traffic between members (the peer port).
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, primary: etcdLeader, port: ETCD_PEER_PORT }),
    };
  },
  checker(opts) {
    return linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 });
  },
};
