/**
 * Workload `mariadb`: MariaDB (Debian's mariadb-server, InnoDB) under list-append or
 * rw-register transactions (`--txn`), checked for isolation anomalies like Elle does
 * (checkers/txn). The variant is the isolation level the transactions ask for. InnoDB's
 * REPEATABLE READ is documented not to be snapshot isolation: a plain SELECT reads the
 * transaction's snapshot but a write reads (and locks) the latest committed row, so lost
 * updates and read skew get through; SERIALIZABLE makes every read a locking read and must
 * show nothing. Faults: kill -9 (InnoDB crash recovery) and pause.
 */
import type { Isolation, TxnKind } from '../src/clients/sql-txn.js';
import { mariadbTxnClient } from '../src/clients/mariadb-txn.js';
import type { Workload } from '../src/core/workload.js';
import { basicNemesis } from '../src/nemesis/basic.js';
import { faultCycle, healAll, isFaultKind, type FaultKind } from '../src/nemesis/schedule.js';
import { MARIADB_PORT, mariadbSystem, requireLocalMariadb } from '../src/systems/mariadb/system.js';
import { txnChecker, txnGenerator } from '../src/workload-kit/txn-kinds.js';

export const workload: Workload = {
  name: 'mariadb',
  description: 'MariaDB (InnoDB) under list-append or rw-register transactions (--txn) at an isolation level (the variant); Elle-style anomaly checking',
  variants: ['serializable', 'repeatable-read', 'read-committed', 'read-uncommitted'],
  // One server: partitions, loss and latency need two nodes to mean anything.
  faults: ['kill', 'pause'],
  maxNodes: 1,
  // Transactions must overlap to conflict (as for postgres).
  defaultRate: 1000,
  build(opts, nodes) {
    if (opts.backend === 'local') requireLocalMariadb();
    const kinds = opts.nemesis.filter(isFaultKind) as FaultKind[];
    const txn: TxnKind = opts.txn ?? 'list-append';
    return {
      system: mariadbSystem(),
      client: mariadbTxnClient(txn, opts.variant as Isolation),
      generator: txnGenerator(txn),
      nemesis: basicNemesis(kinds, { port: MARIADB_PORT }),
      nemesisGenerator: faultCycle(kinds, nodes, opts.nemesisInterval),
      heal: healAll(kinds),
    };
  },
  checker(opts) {
    return txnChecker(opts.txn ?? 'list-append');
  },
};
