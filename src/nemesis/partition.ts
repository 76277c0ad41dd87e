/**
 * Carries out partitions with iptables inside each node's network namespace: node A
 * drops packets whose source is B for every B in A's grudge. Only node-to-node traffic is
 * filtered; the harness' clients keep reaching every node.
 */
import type { TestRuntime } from '../core/test.js';
import type { Grudge } from './grudge.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';

/** iptables chain we own, so healing never touches anyone else's rules. */
const CHAIN = 'FAULTLINE';

async function ipt(test: TestRuntime, node: string, args: string[]): Promise<void> {
  // -w: wait for the xtables lock instead of failing when two calls race.
  const r = await test.cluster.netExec(node, ['iptables', '-w', ...args]);
  if (r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')} on ${node}: ${r.stderr.trim()}`);
}

export class PartitionNemesis implements Nemesis {
  readonly fs = ['start-partition', 'stop-partition'] as const;
  private active: Grudge | undefined;

  async setup(test: TestRuntime): Promise<void> {
    await Promise.all(
      test.cluster.nodes.map(async (n) => {
        // Idempotent: a restarted container gets a fresh namespace without our chain.
        await test.cluster.netExec(n, ['iptables', '-w', '-N', CHAIN]);
        const has = await test.cluster.netExec(n, ['iptables', '-w', '-C', 'INPUT', '-j', CHAIN]);
        if (has.exitCode !== 0) await ipt(test, n, ['-I', 'INPUT', '1', '-j', CHAIN]);
      }),
    );
  }

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === 'stop-partition') {
      await this.heal(test);
      return { type: 'ok', value: 'healed' };
    }
    const grudge = op.value as Grudge;
    await this.heal(test);
    await this.apply(test, grudge);
    this.active = grudge;
    return { type: 'ok', value: grudge };
  }

  /** Re-applies the grudge in force to one node (after its namespace was recreated). */
  async reapply(test: TestRuntime, node: string): Promise<void> {
    await this.setup(test);
    const from = this.active?.[node];
    if (from) for (const src of from) await ipt(test, node, ['-A', CHAIN, '-s', test.cluster.ip(src), '-j', 'DROP']);
  }

  private async apply(test: TestRuntime, grudge: Grudge): Promise<void> {
    await Promise.all(
      Object.entries(grudge).map(async ([node, from]) => {
        for (const src of from) await ipt(test, node, ['-A', CHAIN, '-s', test.cluster.ip(src), '-j', 'DROP']);
      }),
    );
  }

  private async heal(test: TestRuntime): Promise<void> {
    await Promise.all(test.cluster.nodes.map((n) => ipt(test, n, ['-F', CHAIN])));
    this.active = undefined;
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.heal(test);
  }
}
