/**
 * Workload `mariadb`: MariaDB (Debian's mariadb-server, InnoDB) under list-append or
 * rw-register transactions (`--txn`), checked for isolation anomalies like Elle does
 * (checkers/txn). The variant is the isolation level the transactions ask for. InnoDB's
 * REPEATABLE READ is documented not to be snapshot isolation: a plain SELECT reads the
 * transaction's snapshot but a write reads (and locks) the latest committed row, so lost
 * updates and read skew get through; SERIALIZABLE makes every read a locking read and must
 * show nothing. `repeatable-read-snapshot` is repeatable read with the server's
 * `innodb_snapshot_isolation` on, which refuses a write to a row changed since the
 * snapshot. Faults: kill -9 (InnoDB crash recovery) and pause.
 */
import { mariadbTxnClient } from '../src/clients/mariadb-txn.js';
import type { Isolation, TxnKind } from '../src/clients/sql-txn.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { pause } from '../src/nemesis/pause.js';
import { choice, defineOption } from '../src/run/options/spec.js';
import type { Workload } from '../src/run/workload.js';
import { MARIADB_PORT, mariadbSystem, requireLocalMariadb } from '../src/systems/mariadb/system.js';
import { TXN_OPTION, txnChecker, txnGenerator } from '../src/workload-kit/txn-kinds.js';

export const txn = defineOption<TxnKind>({ ...TXN_OPTION, type: choice(TXN_OPTION.values) });

/** Each variant: the isolation level asked for, and whether the server detects write conflicts. */
const VARIANTS: ReadonlyMap<string, { isolation: Isolation; snapshotIsolation: boolean }> = new Map([
  ['serializable', { isolation: 'serializable', snapshotIsolation: false }],
  ['repeatable-read', { isolation: 'repeatable-read', snapshotIsolation: false }],
  ['read-committed', { isolation: 'read-committed', snapshotIsolation: false }],
  ['read-uncommitted', { isolation: 'read-uncommitted', snapshotIsolation: false }],
  ['repeatable-read-snapshot', { isolation: 'repeatable-read', snapshotIsolation: true }],
]);

export const workload: Workload = {
  name: 'mariadb',
  description: 'MariaDB (InnoDB) under list-append or rw-register transactions (--txn) at an isolation level (the variant); Elle-style anomaly checking',
  variants: [...VARIANTS.keys()],
  // One server: partitions, loss and latency need two nodes to mean anything.
  faults: [kill.kind, pause.kind],
  options: [txn],
  maxNodes: 1,
  // Transactions must overlap to conflict (as for postgres).
  defaultRate: 1000,
  build(opts, nodes) {
    if (opts.backend === 'local') requireLocalMariadb();
    const v = VARIANTS.get(opts.variant)!;
    return {
      system: mariadbSystem({ snapshotIsolation: v.snapshotIsolation }),
      client: mariadbTxnClient(txn.get(opts), v.isolation),
      generator: txnGenerator(txn.get(opts)),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, port: MARIADB_PORT }),
    };
  },
  checker(opts) {
    return txnChecker(txn.get(opts));
  },
};
