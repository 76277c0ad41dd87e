/**
 * Fault package `kill`: SIGKILL of one node, a minority, a majority, all, or the primary
 * (no flush, no goodbye); its undo, `start`, restarts the named nodes (or every dead one)
 * with their data directories intact. Targets are drawn as node lists or "primary"
 * (targets.ts); completions record the nodes hit.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, describeTargets } from './package.js';
import { drawProcessTargets, resolveTargets, type PrimaryResolver } from './targets.js';

const KILL = 'kill';
const START = 'start';

class KillNemesis implements Nemesis {
  readonly fs = [KILL, START] as const;
  private readonly dead = new Set<string>();

  constructor(private readonly primary?: PrimaryResolver) {}

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === KILL) {
      const nodes = await resolveTargets(op.value, test.cluster, this.primary);
      await Promise.all(nodes.map((n) => test.cluster.kill(n)));
      nodes.forEach((n) => this.dead.add(n));
      return { type: 'ok', value: nodes };
    }
    const nodes = op.value === 'all' ? [...this.dead] : await resolveTargets(op.value, test.cluster);
    await Promise.all(nodes.map((n) => test.cluster.start(n)));
    nodes.forEach((n) => this.dead.delete(n));
    return { type: 'ok', value: nodes };
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.invoke(test, { f: START, value: 'all' });
  }
}

export const kill = defineFaultPackage({
  kind: 'kill',
  summary: 'SIGKILL of one node, a minority, a majority, all, or the primary; then restart with the data directory kept',
  mechanism: 'signals to the node process',
  startFs: [KILL],
  stopFs: [START],
  needs: { primary: true },
  colour: 'crash',
  draw: (nodes, rng, o) => ({ f: KILL, value: drawProcessTargets(nodes, rng, o) }),
  stop: () => ({ f: START, value: 'all' }),
  nemesis: (o) => new KillNemesis(o.primary),
  aimed: (nodes) => ({ start: { f: KILL, value: [...nodes] }, stop: { f: START, value: [...nodes] } }),
  describe: (_f, value) => describeTargets('kill', value),
});
