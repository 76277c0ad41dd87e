/**
 * Fault package `loss`: packet loss between nodes. Each target node drops a random share
 * (10–50 %) of the packets it receives from its peers (iptables `statistic --mode
 * random`), in a chain of its own (FAULTLINE-LOSS) so healing a partition does not end the
 * loss and vice versa. Traffic from the harness is never dropped: clients measure the
 * system, not the test's own link.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import { ensureChain, ipt, IPTABLES } from './iptables.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, describeTargets, round3 } from './package.js';
import { pickTargets, resolveTargets } from './targets.js';

const LOSS_CHAIN = 'FAULTLINE-LOSS';
const START = 'start-loss';
const STOP = 'stop-loss';

interface LossValue {
  nodes: string[] | 'all';
  /** Share of packets dropped, 0..1. */
  probability: number;
}

class LossNemesis implements Nemesis {
  readonly fs = [START, STOP] as const;

  async setup(test: TestRuntime): Promise<void> {
    await Promise.all(test.cluster.nodes.map((n) => ensureChain(test, n, LOSS_CHAIN)));
  }

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    await this.heal(test);
    if (op.f === STOP) return { type: 'ok', value: 'healed' };
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

export const loss = defineFaultPackage({
  kind: 'loss',
  summary: '10–50 % of packets from peers dropped at one node, a minority or all',
  mechanism: 'iptables `statistic --mode random` (chain `FAULTLINE-LOSS`)',
  startFs: [START],
  stopFs: [STOP],
  needs: { hostTools: [IPTABLES] },
  colour: 'degraded',
  draw(nodes, rng) {
    const [spec, r1] = rng.pick(['one', 'minority', 'all'] as const);
    const [p] = r1.uniform(0.1, 0.5);
    return { f: START, value: { nodes: pickTargets(spec, nodes, r1), probability: round3(p) } };
  },
  stop: () => ({ f: STOP, value: null }),
  nemesis: () => new LossNemesis(),
  describe: (_f, value) => describeTargets('loss', value),
});
