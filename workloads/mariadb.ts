/**
 * Workload `mariadb`: MariaDB (Debian's mariadb-server, InnoDB) under list-append or
 * rw-register transactions (`--txn`), checked for isolation anomalies like Elle does
 * (checkers/txn). The variant is the isolation level the transactions ask for. InnoDB's
 * REPEATABLE READ is documented not to be snapshot isolation: a plain SELECT reads the
 * transaction's snapshot but a write reads (and locks) the latest committed row, so lost
 * updates and read skew get through; SERIALIZABLE makes every read a locking read and must
 * show nothing. `repeatable-read-snapshot` is repeatable read with the server's
 * `innodb_snapshot_isolation` on, which refuses a write to a row changed since the
 * snapshot. Each variant is checked by default against what MariaDB documents for it:
 * serializable against serializable; repeatable read against read committed only (the
 * knowledge base promises a snapshot for plain reads, nothing for writes, so neither
 * snapshot isolation nor Adya's repeatable read); read committed and read uncommitted
 * against themselves; `repeatable-read-snapshot` against snapshot isolation (the
 * variable's documented write-write conflict detection). Faults: kill -9 (InnoDB crash
 * recovery) and pause.
 */
import { mariadbTxnClient } from '../src/clients/mariadb-txn.js';
import type { Isolation, TxnKind } from '../src/clients/sql-txn.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { pause } from '../src/nemesis/pause.js';
import { choice, defineOption } from '../src/run/options/spec.js';
import type { Workload } from '../src/run/workload.js';
import { MARIADB_PORT, mariadbSystem, requireLocalMariadb } from '../src/systems/mariadb/system.js';
import type { ConsistencyModel } from '../src/checkers/txn/consistency-models.js';
import { CONSISTENCY_MODEL_OPTION, TXN_OPTION, txnChecker, txnGenerator } from '../src/workload-kit/txn-kinds.js';

export const txn = defineOption<TxnKind>({ ...TXN_OPTION, type: choice(TXN_OPTION.values) });

/**
 * Each variant: the isolation level asked for, whether the server detects write conflicts,
 * and the model MariaDB documents for it (the default `--consistency-model`).
 */
const VARIANTS: ReadonlyMap<string, { isolation: Isolation; snapshotIsolation: boolean; promised: ConsistencyModel }> = new Map([
  ['serializable', { isolation: 'serializable', snapshotIsolation: false, promised: 'serializable' }],
  ['repeatable-read', { isolation: 'repeatable-read', snapshotIsolation: false, promised: 'read-committed' }],
  ['read-committed', { isolation: 'read-committed', snapshotIsolation: false, promised: 'read-committed' }],
  ['read-uncommitted', { isolation: 'read-uncommitted', snapshotIsolation: false, promised: 'read-uncommitted' }],
  ['repeatable-read-snapshot', { isolation: 'repeatable-read', snapshotIsolation: true, promised: 'snapshot-isolation' }],
]);

export const consistencyModel = defineOption<ConsistencyModel>({
  ...CONSISTENCY_MODEL_OPTION,
  type: choice(CONSISTENCY_MODEL_OPTION.values),
  default: ({ variant }) => VARIANTS.get(variant)?.promised ?? 'serializable',
});

export const workload: Workload = {
  name: 'mariadb',
  description: 'MariaDB (InnoDB) under list-append or rw-register transactions (--txn) at an isolation level (the variant); Elle-style anomaly checking',
  variants: [...VARIANTS.keys()],
  // One server: partitions, loss and latency need two nodes to mean anything.
  faults: [kill.kind, pause.kind],
  options: [txn, consistencyModel],
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
    return txnChecker(txn.get(opts), consistencyModel.get(opts));
  },
};
