/**
 * Workload `nats`: NATS JetStream (Debian's nats-server 2.9), three servers in a cluster, as
 * a queue: a work-queue stream, publishes that wait for the stream's acknowledgement, and
 * one durable pull consumer with explicit acknowledgements shared by every worker (acks
 * sent only after the value is recorded). After the heal every worker drains the stream.
 * Checked by `queue` like `rabbitmq`: nothing acknowledged lost, nothing from nowhere,
 * FIFO order for first deliveries, duplicates allowed (delivery is at-least-once).
 *
 *  - r3: the stream has 3 replicas (Raft); "primary" faults hit the stream leader.
 *  - r1: the stream has 1 replica, on whichever server JetStream placed it: the contrast.
 */
import { queueChecker } from '../src/checkers/queue.js';
import { NatsQueueClient } from '../src/clients/nats-queue.js';
import { eachThread } from '../src/core/generator/index.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { partition } from '../src/nemesis/partition.js';
import { pause } from '../src/nemesis/pause.js';
import type { Workload } from '../src/run/workload.js';
import { natsStreamLeader, natsSystem, natsServerBinary } from '../src/systems/nats/system.js';
import { drainUntilEmpty, queueOps } from '../src/workload-kit/queue-ops.js';

const STREAM = 'faultline';

export const workload: Workload = {
  name: 'nats',
  description: 'NATS JetStream (Debian nats-server), 3 servers: a replicated work-queue stream and a durable pull consumer under faults; lost, duplicated, reordered messages',
  variants: ['r3', 'r1'],
  // Not clock: nats-server is a Go program reading time through the vDSO.
  faults: [partition.kind, kill.kind, pause.kind],
  maxNodes: 3,
  build(opts, nodes) {
    if (opts.backend === 'local') natsServerBinary(); // says what to install, before anything starts
    if (nodes.length < 3) throw new Error(`runs on 3 nodes (a cluster with a majority to lose), got ${nodes.length}`);
    const leader = (cluster: Parameters<typeof natsStreamLeader>[0]) => natsStreamLeader(cluster, STREAM);
    return {
      system: natsSystem(),
      client: new NatsQueueClient({
        stream: STREAM,
        subject: `${STREAM}.queue`,
        consumer: 'faultline',
        replicas: opts.variant === 'r1' ? 1 : 3,
        // Short, so that the final drain sees messages a dead worker held come back.
        ackWaitMs: 3000,
        setupTimeoutMs: 60_000,
      }),
      generator: queueOps(),
      final: eachThread(drainUntilEmpty()),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, primary: leader }),
    };
  },
  checker() {
    return queueChecker({ delivery: 'at-least-once', fifo: true });
  },
};
