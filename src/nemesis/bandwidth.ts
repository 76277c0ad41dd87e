/**
 * Fault package `bandwidth`: a node's outgoing link limited to 64 kbit–1 mbit with `tc tbf`
 * on its interface (this kernel has tbf and htb but no netem). The limit applies to
 * everything the node sends: a slow link, as a congested or cross-region replica sees it.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, describeTargets } from './package.js';
import { pickTargets, resolveTargets } from './targets.js';

const START = 'start-bandwidth';
const STOP = 'stop-bandwidth';

interface BandwidthValue {
  nodes: string[] | 'all';
  /** tc rate, e.g. "256kbit". */
  rate: string;
}

const DEVICE = 'eth0';

class BandwidthNemesis implements Nemesis {
  readonly fs = [START, STOP] as const;
  private readonly limited = new Set<string>();

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    await this.heal(test);
    if (op.f === STOP) return { type: 'ok', value: 'healed' };
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

export const bandwidth = defineFaultPackage({
  kind: 'bandwidth',
  summary: 'a node\'s outgoing link limited to 64 kbit–1 mbit',
  mechanism: '`tc tbf` (this kernel has no netem)',
  startFs: [START],
  stopFs: [STOP],
  needs: { hostTools: [{ name: 'tc', apt: 'iproute2' }] },
  colour: 'degraded',
  draw(nodes, rng) {
    const [spec, r1] = rng.pick(['one', 'minority', 'all'] as const);
    const [rate] = r1.pick(['64kbit', '256kbit', '1mbit']);
    return { f: START, value: { nodes: pickTargets(spec, nodes, r1), rate } };
  },
  stop: () => ({ f: STOP, value: null }),
  nemesis: () => new BandwidthNemesis(),
  describe: (_f, value) => describeTargets('bandwidth', value),
});
