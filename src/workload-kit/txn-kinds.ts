/**
 * The transactional workloads a SQL database runs (`--txn`): the option that picks one,
 * the generator of each kind's transactions and the checker that judges them.
 */
import type { Checker } from '../checkers/checker.js';
import { CONSISTENCY_MODELS, type ConsistencyModel } from '../checkers/txn/consistency-models.js';
import { listAppend } from '../checkers/txn/list-append.js';
import { rwRegister } from '../checkers/txn/rw-register.js';
import { TXN_KINDS, type TxnKind } from '../clients/sql-txn.js';
import type { Generator } from '../core/generator/types.js';
import { listAppendTxns, rwRegisterTxns } from './list-append-ops.js';

/**
 * `--txn`, as each SQL workload declares it: `defineOption({ ...TXN_OPTION, type:
 * choice(TXN_OPTION.values) })` (the option table lives above this layer).
 */
export const TXN_OPTION = {
  key: 'txn',
  flag: 'txn',
  values: TXN_KINDS,
  default: 'list-append' as TxnKind,
  help: 'the transactions: appends to lists (list-append) or reads and unique writes of registers (rw-register)',
  replay: true,
} as const;

/**
 * `--consistency-model`, as each SQL workload declares it, with the model its variant
 * promises as the default: `defineOption({ ...CONSISTENCY_MODEL_OPTION, type:
 * choice(CONSISTENCY_MODEL_OPTION.values), default: ({ variant }) => promised(variant) })`.
 */
export const CONSISTENCY_MODEL_OPTION = {
  key: 'consistencyModel',
  flag: 'consistency-model',
  arg: '<model>',
  values: CONSISTENCY_MODELS,
  defaultText: 'what the variant promises',
  help: 'the model the transactions are checked against (see [Consistency models](#consistency-models)); a stronger one than the variant promises demands more',
  replay: true,
} as const;

export function txnGenerator(kind: TxnKind): Generator {
  return kind === 'list-append' ? listAppendTxns() : rwRegisterTxns();
}

export function txnChecker(kind: TxnKind, consistencyModel?: ConsistencyModel): Checker {
  if (kind === 'list-append') return listAppend(consistencyModel !== undefined ? { consistencyModel } : {});
  // Both SQL targets run one server, and a single server makes each row linearizable
  // (a transaction that starts after another committed sees its writes): that assumption
  // orders versions by real time, without which most register anomalies stay invisible.
  return rwRegister({ linearizableKeys: true, ...(consistencyModel !== undefined ? { consistencyModel } : {}) });
}
