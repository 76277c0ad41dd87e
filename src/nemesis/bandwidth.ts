/**
 * Bandwidth limits with `tc tbf` on a node's interface (this kernel has tbf and htb but no
 * netem). The limit applies to everything the node sends: a slow link, as a congested or
 * cross-region replica sees it.
 */
import type { TestRuntime } from '../core/test.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { resolveTargets } from './targets.js';

export interface BandwidthValue {
  nodes: string[] | 'all';
  /** tc rate, e.g. "256kbit". */
  rate: string;
}

const DEVICE = 'eth0';

export class BandwidthNemesis implements Nemesis {
  readonly fs = ['start-bandwidth', 'stop-bandwidth'] as const;
  private readonly limited = new Set<string>();

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    await this.heal(test);
    if (op.f === 'stop-bandwidth') return { type: 'ok', value: 'healed' };
    const v = op.value as BandwidthValue;
    if (!/^\d+(bit|kbit|mbit|gbit)$/.test(v.rate)) return { type: 'info', value: op.value, error: `bad rate ${v.rate}` };
    const targets = await resolveTargets(v.nodes, test.cluster);
    await Promise.all(
      targets.map(async (node) => {
        // burst must hold at least one MTU-sized packet; latency bounds the queue.
        const r = await test.cluster.netExec(node, ['tc', 'qdisc', 'replace', 'dev', DEVICE, 'root', 'tbf', 'rate', v.rate, 'burst', '16kbit', 'latency', '200ms']);
        if (r.exitCode !== 0) throw new Error(`tc on ${node}: ${r.stderr.trim()}`);
        this.limited.add(node);
      }),
    );
    return { type: 'ok', value: { nodes: targets, rate: v.rate } };
  }

  private async heal(test: TestRuntime): Promise<void> {
    await Promise.all([...this.limited].map((n) => test.cluster.netExec(n, ['tc', 'qdisc', 'del', 'dev', DEVICE, 'root'])));
    this.limited.clear();
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.heal(test);
  }
}
