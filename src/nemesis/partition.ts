/**
 * Carries out partitions with iptables inside each node's network namespace: node A
 * drops packets whose source is B for every B in A's grudge. Only node-to-node traffic is
 * filtered; the harness' clients keep reaching every node (as Jepsen's control node does).
 *
 * Op values: `{shape, grudge}` (drawn by the generator), `{shape: "primary"}` (the
 * primary is looked up when the fault runs), or a bare grudge. The completion records the
 * grudge actually applied.
 */
import type { TestRuntime } from '../core/test.js';
import { isolate, type Grudge } from './grudge.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import type { PrimaryResolver } from './targets.js';

/** iptables chain we own, so healing never touches anyone else's rules. */
export const PARTITION_CHAIN = 'FAULTLINE';

export async function ipt(test: TestRuntime, node: string, args: string[]): Promise<void> {
  // -w: wait for the xtables lock instead of failing when two calls race.
  const r = await test.cluster.netExec(node, ['iptables', '-w', ...args]);
  if (r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')} on ${node}: ${r.stderr.trim()}`);
}

/**
 * Creates `chain` in the node's `table` and jumps to it from `hook` (filter/INPUT by
 * default); idempotent, since a restarted container's namespace comes without it.
 */
export async function ensureChain(test: TestRuntime, node: string, chain: string, table = 'filter', hook = 'INPUT'): Promise<void> {
  await test.cluster.netExec(node, ['iptables', '-w', '-t', table, '-N', chain]);
  const has = await test.cluster.netExec(node, ['iptables', '-w', '-t', table, '-C', hook, '-j', chain]);
  if (has.exitCode !== 0) await ipt(test, node, ['-t', table, '-I', hook, '1', '-j', chain]);
}

interface PartitionValue {
  shape?: string;
  grudge?: Grudge;
}

export class PartitionNemesis implements Nemesis {
  readonly fs = ['start-partition', 'stop-partition'] as const;
  private active: Grudge | undefined;

  constructor(private readonly primary?: PrimaryResolver) {}

  async setup(test: TestRuntime): Promise<void> {
    // A restarted container gets a fresh namespace without our chain: setup is idempotent.
    await Promise.all(test.cluster.nodes.map((n) => ensureChain(test, n, PARTITION_CHAIN)));
  }

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === 'stop-partition') {
      await this.heal(test);
      return { type: 'ok', value: 'healed' };
    }
    const v = (op.value ?? {}) as PartitionValue & Grudge;
    let shape = typeof v.shape === 'string' ? v.shape : 'custom';
    let grudge: Grudge;
    if (shape === 'primary') {
      const p = await this.primary?.(test.cluster);
      if (!p) return { type: 'info', value: op.value, error: 'the system under test names no primary' };
      grudge = isolate(p, test.cluster.nodes);
    } else {
      grudge = v.grudge ?? (v as Grudge);
      if (!v.grudge) shape = 'custom';
    }
    await this.heal(test);
    await this.apply(test, grudge);
    this.active = grudge;
    return { type: 'ok', value: { shape, grudge } };
  }

  /** Re-applies the grudge in force to one node (after its namespace was recreated). */
  async reapply(test: TestRuntime, node: string): Promise<void> {
    await ensureChain(test, node, PARTITION_CHAIN);
    const from = this.active?.[node];
    if (from) for (const src of from) await ipt(test, node, ['-A', PARTITION_CHAIN, '-s', test.cluster.ip(src), '-j', 'DROP']);
  }

  private async apply(test: TestRuntime, grudge: Grudge): Promise<void> {
    await Promise.all(
      Object.entries(grudge).map(async ([node, from]) => {
        for (const src of from) await ipt(test, node, ['-A', PARTITION_CHAIN, '-s', test.cluster.ip(src), '-j', 'DROP']);
      }),
    );
  }

  private async heal(test: TestRuntime): Promise<void> {
    await Promise.all(test.cluster.nodes.map((n) => ipt(test, n, ['-F', PARTITION_CHAIN])));
    this.active = undefined;
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.heal(test);
  }
}
