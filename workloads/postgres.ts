/**
 * Workload `postgres`: PostgreSQL (Debian's postgresql) under list-append or rw-register
 * transactions (`--txn`), checked for isolation anomalies like Elle does (checkers/txn).
 * The variant is the isolation level the transactions ask for, and each is checked by
 * default against the consistency model PostgreSQL documents for it ("Transaction
 * Isolation", postgresql.org/docs/current/transaction-iso.html): serializable against
 * serializable, repeatable read against snapshot isolation (write skew, G2-item, allowed;
 * read skew, G-single-item, not), read committed against read committed.
 * `--consistency-model` checks against another model. Faults: kill -9 (crash recovery
 * from the WAL) and pause.
 */
import { postgresTxnClient } from '../src/clients/postgres-txn.js';
import type { Isolation, TxnKind } from '../src/clients/sql-txn.js';
import { clock } from '../src/nemesis/clock.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { pause } from '../src/nemesis/pause.js';
import { choice, defineOption } from '../src/run/options/spec.js';
import type { Workload } from '../src/run/workload.js';
import { POSTGRES_PORT, postgresSystem, requireLocalPostgres } from '../src/systems/postgres/system.js';
import type { ConsistencyModel } from '../src/checkers/txn/consistency-models.js';
import { CONSISTENCY_MODEL_OPTION, TXN_OPTION, txnChecker, txnGenerator } from '../src/workload-kit/txn-kinds.js';

export const txn = defineOption<TxnKind>({ ...TXN_OPTION, type: choice(TXN_OPTION.values) });

/** What PostgreSQL documents each level to be. */
export const PROMISED: ReadonlyMap<string, ConsistencyModel> = new Map([
  ['serializable', 'serializable'],
  ['repeatable-read', 'snapshot-isolation'],
  ['read-committed', 'read-committed'],
]);

export const consistencyModel = defineOption<ConsistencyModel>({
  ...CONSISTENCY_MODEL_OPTION,
  type: choice(CONSISTENCY_MODEL_OPTION.values),
  default: ({ variant }) => PROMISED.get(variant) ?? 'serializable',
});

export const workload: Workload = {
  name: 'postgres',
  description: 'PostgreSQL under list-append or rw-register transactions (--txn) at an isolation level (the variant); Elle-style anomaly checking',
  variants: ['serializable', 'repeatable-read', 'read-committed'],
  // One server: partitions, loss and latency need two nodes to mean anything.
  faults: [kill.kind, pause.kind, clock.kind],
  options: [txn, consistencyModel],
  maxNodes: 1,
  // Transactions must overlap to conflict: at the general default of 50/s they rarely do
  // (read committed passed 15 s runs at 50/s and failed them at 1000/s).
  defaultRate: 1000,
  build(opts, nodes) {
    if (opts.backend === 'local') requireLocalPostgres();
    return {
      system: postgresSystem(),
      client: postgresTxnClient(txn.get(opts), opts.variant as Isolation),
      generator: txnGenerator(txn.get(opts)),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, port: POSTGRES_PORT }),
    };
  },
  checker(opts) {
    return txnChecker(txn.get(opts), consistencyModel.get(opts));
  },
};
