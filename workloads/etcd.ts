/**
 * Workload `etcd`: etcd 3.4 as a linearizable register per key (read, write, cas through
 * the v3 JSON gateway) under partitions and kills, on the Docker backend. With
 * `--reads serializable` reads skip the quorum and may be stale: the checker should say so.
 */
import { linearizable, multiRegister } from '../src/checkers/linearizability/index.js';
import { EtcdClient, type EtcdReads } from '../src/clients/etcd.js';
import { eachThread } from '../src/core/generator/index.js';
import type { Workload } from '../src/core/workload.js';
import { basicNemesis } from '../src/nemesis/basic.js';
import { FAULT_KINDS, faultCycle, healAll, isFaultKind, type FaultKind } from '../src/nemesis/schedule.js';
import { ETCD_PEER_PORT, etcdLeader, etcdSystem } from '../src/systems/etcd/system.js';
import { finalReads, registerOps } from '../src/workload-kit/register-ops.js';

export const workload: Workload = {
  name: 'etcd',
  description: 'etcd 3.4 (Debian etcd-server) as linearizable registers per key, via its v3 JSON gateway',
  variants: ['3.4'],
  reads: ['linearizable', 'serializable'],
  // Not clock: etcd is a Go program reading time through the vDSO, out of libfaketime's reach.
  faults: FAULT_KINDS.filter((k) => k !== 'clock'),
  build(opts, nodes) {
    const kinds = opts.nemesis.filter(isFaultKind) as FaultKind[];
    const system = etcdSystem(`faultline-${opts.seed}`);
    return {
      system,
      client: new EtcdClient(opts.reads as EtcdReads),
      generator: registerOps({ keys: 5 }),
      final: eachThread(finalReads({ keys: 5 })),
      // "primary" targets (kill/pause/isolate the leader) resolve to etcd's raft leader.
      // Latency faults slow the raft traffic between members (the peer port).
      nemesis: basicNemesis(kinds, { primary: etcdLeader, port: ETCD_PEER_PORT }),
      nemesisGenerator: faultCycle(kinds, nodes, opts.nemesisInterval, { primary: true }),
      heal: healAll(kinds),
    };
  },
  checker(opts) {
    return linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 });
  },
};
