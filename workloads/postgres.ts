/**
 * Workload `postgres`: PostgreSQL (Debian's postgresql) under list-append or rw-register
 * transactions (`--txn`), checked for isolation anomalies like Elle does (checkers/txn).
 * The variant is the isolation level the transactions ask for, and each level forbids a known set of
 * anomalies: serializable must show none; repeatable read (snapshot isolation in
 * PostgreSQL) allows write skew (G2) but no read skew; read committed allows read skew
 * (G-single) too. Faults: kill -9 (crash recovery from the WAL) and pause.
 */
import { postgresTxnClient } from '../src/clients/postgres-txn.js';
import type { Isolation, TxnKind } from '../src/clients/sql-txn.js';
import type { Workload } from '../src/core/workload.js';
import { basicNemesis } from '../src/nemesis/basic.js';
import { faultCycle, healAll, isFaultKind, type FaultKind } from '../src/nemesis/schedule.js';
import { POSTGRES_PORT, postgresSystem, requireLocalPostgres } from '../src/systems/postgres/system.js';
import { txnChecker, txnGenerator } from '../src/workload-kit/txn-kinds.js';

export const workload: Workload = {
  name: 'postgres',
  description: 'PostgreSQL under list-append or rw-register transactions (--txn) at an isolation level (the variant); Elle-style anomaly checking',
  variants: ['serializable', 'repeatable-read', 'read-committed'],
  // One server: partitions, loss and latency need two nodes to mean anything.
  faults: ['kill', 'pause', 'clock'],
  maxNodes: 1,
  // Transactions must overlap to conflict: at the general default of 50/s they rarely do
  // (read committed passed 15 s runs at 50/s and failed them at 1000/s).
  defaultRate: 1000,
  build(opts, nodes) {
    if (opts.backend === 'local') requireLocalPostgres();
    const kinds = opts.nemesis.filter(isFaultKind) as FaultKind[];
    const txn: TxnKind = opts.txn ?? 'list-append';
    return {
      system: postgresSystem(),
      client: postgresTxnClient(txn, opts.variant as Isolation),
      generator: txnGenerator(txn),
      nemesis: basicNemesis(kinds, { port: POSTGRES_PORT }),
      nemesisGenerator: faultCycle(kinds, nodes, opts.nemesisInterval),
      heal: healAll(kinds),
    };
  },
  checker(opts) {
    return txnChecker(opts.txn ?? 'list-append');
  },
};
