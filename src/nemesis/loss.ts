/**
 * Packet loss between nodes: each target node drops a random share of the packets it
 * receives from its peers (iptables `statistic --mode random`), in a chain of its own so
 * healing a partition does not end the loss and vice versa. Traffic from the harness is
 * never dropped: clients measure the system, not the test's own link.
 */
import type { TestRuntime } from '../core/test.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { ensureChain, ipt } from './partition.js';
import { resolveTargets } from './targets.js';

export const LOSS_CHAIN = 'FAULTLINE-LOSS';

export interface LossValue {
  nodes: string[] | 'all';
  /** Share of packets dropped, 0..1. */
  probability: number;
}

export class LossNemesis implements Nemesis {
  readonly fs = ['start-loss', 'stop-loss'] as const;

  async setup(test: TestRuntime): Promise<void> {
    await Promise.all(test.cluster.nodes.map((n) => ensureChain(test, n, LOSS_CHAIN)));
  }

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    await this.heal(test);
    if (op.f === 'stop-loss') return { type: 'ok', value: 'healed' };
    const v = op.value as LossValue;
    const p = Number(v.probability);
    if (!(p > 0 && p <= 1)) return { type: 'info', value: op.value, error: `loss probability must be in (0, 1], got ${v.probability}` };
    const targets = await resolveTargets(v.nodes, test.cluster);
    await Promise.all(
      targets.map(async (node) => {
        for (const peer of test.cluster.nodes.filter((x) => x !== node)) {
          await ipt(test, node, ['-A', LOSS_CHAIN, '-s', test.cluster.ip(peer), '-m', 'statistic', '--mode', 'random', '--probability', String(p), '-j', 'DROP']);
        }
      }),
    );
    return { type: 'ok', value: { nodes: targets, probability: p } };
  }

  private async heal(test: TestRuntime): Promise<void> {
    await Promise.all(test.cluster.nodes.map((n) => ipt(test, n, ['-F', LOSS_CHAIN])));
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.heal(test);
  }
}
