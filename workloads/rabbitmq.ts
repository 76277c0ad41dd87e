/**
 * Workload `rabbitmq`: RabbitMQ 3.10 (Debian's rabbitmq-server) as a queue, three brokers
 * in a cluster, under partitions, kill -9 and pauses. Every worker enqueues unique values
 * with publisher confirms and dequeues with manual acknowledgements sent only after the
 * value is recorded; after the heal every worker drains the queue. Checked by `queue`:
 * nothing acknowledged may be lost, nothing may appear from nowhere, FIFO order must hold
 * for first deliveries; duplicates are allowed (AMQP delivery is at-least-once).
 *
 *  - quorum: a quorum queue (Raft over all three brokers). Faults aimed at the "primary"
 *    hit the queue's Raft leader.
 *  - classic: a durable classic queue, which lives on one broker (n1, where it is
 *    declared) while the others route to it; the "primary" is n1.
 */
import { queueChecker } from '../src/checkers/queue.js';
import { RabbitmqQueueClient } from '../src/clients/rabbitmq-queue.js';
import { eachThread } from '../src/core/generator/index.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { partition } from '../src/nemesis/partition.js';
import { pause } from '../src/nemesis/pause.js';
import type { PrimaryResolver } from '../src/nemesis/targets.js';
import type { Workload } from '../src/run/workload.js';
import { rabbitmqClusterFormed, rabbitmqQueueLeader, rabbitmqSystem, requireLocalRabbitmq } from '../src/systems/rabbitmq/system.js';
import { drainUntilEmpty, queueOps } from '../src/workload-kit/queue-ops.js';

const QUEUE = 'faultline';

export const workload: Workload = {
  name: 'rabbitmq',
  description: 'RabbitMQ (Debian rabbitmq-server), 3 brokers: a quorum or classic queue under partitions, kills and pauses; lost, duplicated, reordered messages',
  variants: ['quorum', 'classic'],
  faults: [partition.kind, kill.kind, pause.kind],
  maxNodes: 3,
  build(opts, nodes) {
    if (opts.backend === 'local') requireLocalRabbitmq();
    if (nodes.length < 3) throw new Error(`runs on 3 nodes (a cluster with a majority to lose), got ${nodes.length}`);
    const system = rabbitmqSystem();
    const quorum = opts.variant === 'quorum';
    // "primary" targets: the quorum queue's Raft leader; the classic queue's home (n1, the
    // node its declaration went through; classic queues do not move).
    const primary: PrimaryResolver = quorum ? (cluster) => rabbitmqQueueLeader(system, cluster, QUEUE) : async () => nodes[0];
    return {
      system,
      client: new RabbitmqQueueClient({
        queue: QUEUE,
        prepare: (test) => rabbitmqClusterFormed(system, test.cluster, 120_000),
        async declare(channel) {
          await channel.assertQueue(QUEUE, { durable: true, arguments: { 'x-queue-type': quorum ? 'quorum' : 'classic' } });
        },
      }),
      generator: queueOps(),
      final: eachThread(drainUntilEmpty()),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, primary }),
    };
  },
  checker() {
    return queueChecker({ delivery: 'at-least-once', fifo: true });
  },
};
