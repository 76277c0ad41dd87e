/**
 * Workload `postgres`: PostgreSQL (Debian's postgresql) under list-append transactions,
 * checked for isolation anomalies like Elle does (checkers/txn). The variant is the
 * isolation level the transactions ask for, and each level forbids a known set of
 * anomalies: serializable must show none; repeatable read (snapshot isolation in
 * PostgreSQL) allows write skew (G2) but no read skew; read committed allows read skew
 * (G-single) too. Faults: kill -9 (crash recovery from the WAL) and pause.
 */
import { listAppend } from '../src/checkers/txn/list-append.js';
import { PostgresAppendClient, type Isolation } from '../src/clients/postgres-append.js';
import { clock } from '../src/nemesis/clock.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { pause } from '../src/nemesis/pause.js';
import type { Workload } from '../src/run/workload.js';
import { POSTGRES_PORT, postgresSystem, requireLocalPostgres } from '../src/systems/postgres/system.js';
import { listAppendTxns } from '../src/workload-kit/list-append-ops.js';

export const workload: Workload = {
  name: 'postgres',
  description: 'PostgreSQL under list-append transactions at an isolation level (the variant); Elle-style anomaly checking',
  variants: ['serializable', 'repeatable-read', 'read-committed'],
  // One server: partitions, loss and latency need two nodes to mean anything.
  faults: [kill.kind, pause.kind, clock.kind],
  maxNodes: 1,
  // Transactions must overlap to conflict: at the general default of 50/s they rarely do
  // (read committed passed 15 s runs at 50/s and failed them at 1000/s).
  defaultRate: 1000,
  build(opts, nodes) {
    if (opts.backend === 'local') requireLocalPostgres();
    return {
      system: postgresSystem(),
      client: new PostgresAppendClient(opts.variant as Isolation),
      generator: listAppendTxns(),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, port: POSTGRES_PORT }),
    };
  },
  checker() {
    return listAppend();
  },
};
