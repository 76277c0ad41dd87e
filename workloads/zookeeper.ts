/**
 * Workload `zookeeper`: Apache ZooKeeper (Debian's) as a register per znode — read, write,
 * and compare-and-set through znode versions — on 5 znodes, each worker's session pinned
 * to its own member. ZooKeeper promises linearizable writes and sequentially consistent
 * reads: `--reads sync` (sync() before each read) must be linearizable; `--reads local`
 * (plain reads answered by the member the client talks to) may be stale, which the
 * checker should catch under partitions.
 */
import { linearizable, multiRegister } from '../src/checkers/linearizability/index.js';
import { ZookeeperClient, type ZookeeperReads } from '../src/clients/zookeeper.js';
import { eachThread } from '../src/core/generator/index.js';
import { clock } from '../src/nemesis/clock.js';
import { faults } from '../src/nemesis/faults.js';
import { FAULT_KINDS } from '../src/nemesis/registry.js';
import { choice, defineOption } from '../src/run/options/spec.js';
import type { Workload } from '../src/run/workload.js';
import { requireLocalZookeeper, waitForEnsemble, ZOOKEEPER_QUORUM_PORT, zookeeperLeader, zookeeperSystem } from '../src/systems/zookeeper/system.js';
import { finalReads, registerKeys, registerOps } from '../src/workload-kit/register-ops.js';

const KEYS = 5;
/** How long the ensemble may take to elect a leader and have every member serve. */
const ENSEMBLE_TIMEOUT_MS = 60_000;

export const reads = defineOption<ZookeeperReads>({
  key: 'reads',
  flag: 'reads',
  type: choice(['sync', 'local']),
  default: 'sync',
  help: 'sync() before each read (linearizable), or plain reads answered by the member the client talks to (may be stale)',
  replay: true,
});

export const workload: Workload = {
  name: 'zookeeper',
  description: 'Apache ZooKeeper 3.8 (Debian) as registers per znode: sync+read linearizable, local reads sequentially consistent',
  variants: ['3.8'],
  options: [reads],
  // Not clock: libfaketime does move the JVM's wall clock, but re-reading its offset file
  // on every clock call makes each System.currentTimeMillis ~1000x slower (0.33 ms against
  // 0.35 µs, measured here), and an ensemble under it took over a minute to form. ZooKeeper
  // times sessions and ticks on System.nanoTime anyway, which libfaketime leaves alone.
  faults: FAULT_KINDS.filter((k) => k !== clock.kind),
  defaultNodes: 3,
  build(opts, nodes) {
    if (opts.backend === 'local') requireLocalZookeeper();
    return {
      system: zookeeperSystem(),
      client: new ZookeeperClient(reads.get(opts), registerKeys({ keys: KEYS }), (cluster) => waitForEnsemble(cluster, ENSEMBLE_TIMEOUT_MS)),
      generator: registerOps({ keys: KEYS }),
      final: eachThread(finalReads({ keys: KEYS })),
      // "primary" targets resolve to the current leader (srvr); latency slows the
      // follower-to-leader quorum connections.
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, primary: zookeeperLeader, port: ZOOKEEPER_QUORUM_PORT }),
    };
  },
  checker(opts) {
    return linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 });
  },
};
