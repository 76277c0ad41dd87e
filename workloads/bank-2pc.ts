/**
 * Workload `bank-2pc`: transfers between bank accounts owned by different participants of
 * a two-phase-commit system (n1 coordinates, n2… own two accounts each), plus reads of
 * every balance as read-only distributed transactions, under partitions, kills and pauses
 * of the coordinator and the participants. After healing, every participant is asked for
 * its final state. The naive variant must lose money or leave half-applied transfers; the
 * careful one must not.
 */
import { bankChecker } from '../src/checkers/bank.js';
import { TwopcHttpClient } from '../src/clients/twopc-http.js';
import { nodeNames } from '../src/cluster/cluster.js';
import { any, gen, onThreads, sleep, untilOk } from '../src/core/generator/index.js';
import type { GenContext, Generator, OpTemplate } from '../src/core/generator/types.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { partition } from '../src/nemesis/partition.js';
import { pause } from '../src/nemesis/pause.js';
import type { Workload } from '../src/run/workload.js';
import { bankLayout, ownerOf, type BankLayout } from '../src/domain/bank.js';
import { TWOPC_VARIANTS, twopcSystem, type TwopcVariant } from '../src/systems/twopc/system.js';

const MAX_AMOUNT = 10;

/** A random id from the seeded stream: unique in practice, reproducible from the seed. */
export function randomId(prefix: string, ctx: GenContext): [string, GenContext['rng']] {
  const [a, r1] = ctx.rng.int(36 ** 5);
  const [b, r2] = r1.int(36 ** 5);
  return [`${prefix}${a.toString(36).padStart(5, '0')}${b.toString(36).padStart(5, '0')}`, r2];
}

/**
 * The final reads, all at once, each on its own client thread and retried (a second apart,
 * up to 3 times) until it succeeds: without every final state the checker can only say
 * "unknown", and one dropped connection right after healing should not cost the verdict.
 */
export function finalReads(ops: readonly OpTemplate[], concurrency: number): Generator {
  return any(ops.map((op, i) => onThreads((t) => t === i % concurrency, untilOk([op, sleep(1), op, sleep(1), op]))));
}

/** 70 % transfers between accounts of two different participants, 30 % reads. */
export function bankOp(layout: BankLayout) {
  return (ctx: GenContext) => {
    const [isRead, r0] = ctx.rng.bool(0.3);
    if (isRead) return { f: 'read', value: null };
    const [id, r1] = randomId('t', { ...ctx, rng: r0 });
    const [from, r2] = r1.pick(layout.accounts);
    const [to, r3] = r2.pick(layout.accounts.filter((a) => ownerOf(a) !== ownerOf(from)));
    const [amount] = r3.int(MAX_AMOUNT);
    return { f: 'transfer', value: { id, from, to, amount: amount + 1 } };
  };
}

export const workload: Workload = {
  name: 'bank-2pc',
  description: 'bank transfers across participants by two-phase commit (n1 coordinates); money conserved, transfers atomic',
  variants: TWOPC_VARIANTS,
  faults: [partition.kind, kill.kind, pause.kind],
  build(opts, nodes) {
    const layout = bankLayout(nodes);
    return {
      system: twopcSystem(opts.variant as TwopcVariant),
      client: new TwopcHttpClient(),
      generator: gen(bankOp(layout)),
      final: finalReads([...layout.participants.map((p) => ({ f: 'final', value: p })), { f: 'read', value: null }], opts.concurrency),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap }),
    };
  },
  checker(opts) {
    return bankChecker(bankLayout(nodeNames(opts.nodes)));
  },
};
