/**
 * Fault package `pause`: SIGSTOP of the same kinds of targets as `kill`, then SIGCONT. The
 * kernel still accepts connections for a paused node, but the process answers nothing —
 * a long GC pause or a VM migration, as its peers see it.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, describeTargets } from './package.js';
import { drawProcessTargets, resolveTargets, type PrimaryResolver } from './targets.js';

const PAUSE = 'pause';
const RESUME = 'resume';

class PauseNemesis implements Nemesis {
  readonly fs = [PAUSE, RESUME] as const;
  private readonly paused = new Set<string>();

  constructor(private readonly primary?: PrimaryResolver) {}

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === PAUSE) {
      const nodes = await resolveTargets(op.value, test.cluster, this.primary);
      await Promise.all(nodes.map((n) => test.cluster.pause(n)));
      nodes.forEach((n) => this.paused.add(n));
      return { type: 'ok', value: nodes };
    }
    const nodes = op.value === 'all' ? [...this.paused] : await resolveTargets(op.value, test.cluster);
    await Promise.all(nodes.map((n) => test.cluster.resume(n)));
    nodes.forEach((n) => this.paused.delete(n));
    return { type: 'ok', value: nodes };
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.invoke(test, { f: RESUME, value: 'all' });
  }
}

export const pause = defineFaultPackage({
  kind: 'pause',
  summary: 'SIGSTOP of the same kinds of targets, then SIGCONT: the kernel still accepts connections, the process answers nothing',
  mechanism: 'signals',
  startFs: [PAUSE],
  stopFs: [RESUME],
  needs: { primary: true },
  colour: 'freeze',
  draw: (nodes, rng, o) => ({ f: PAUSE, value: drawProcessTargets(nodes, rng, o) }),
  stop: () => ({ f: RESUME, value: 'all' }),
  nemesis: (o) => new PauseNemesis(o.primary),
  aimed: (nodes) => ({ start: { f: PAUSE, value: [...nodes] }, stop: { f: RESUME, value: [...nodes] } }),
  describe: (_f, value) => describeTargets('pause', value),
});
