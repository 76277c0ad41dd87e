/**
 * What the process-fault packages (kill, pause) share: a nemesis that does something to
 * its targets' processes, remembers whom it hit, and undoes it for the named nodes or for
 * every node still affected. Each package keeps its own name, ops and actions.
 */
import type { Cluster } from '../cluster/cluster.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, describeTargets, type FaultColour, type FaultPackage } from './package.js';
import { drawProcessTargets, resolveTargets, type PrimaryResolver } from './targets.js';

interface ProcessFault<K extends string> {
  kind: K;
  summary: string;
  mechanism: string;
  colour: FaultColour;
  /** The op that does it, and the op that undoes it. */
  startF: string;
  stopF: string;
  act(cluster: Cluster, node: string): Promise<void>;
  undo(cluster: Cluster, node: string): Promise<void>;
}

/**
 * The package of a process fault: targets drawn as one node, a minority, a majority, all,
 * or the primary; aimed faults hit exactly the nodes given; described by the nodes hit.
 */
export function processFaultPackage<const K extends string>(f: ProcessFault<K>): FaultPackage<K> {
  return defineFaultPackage({
    kind: f.kind,
    summary: f.summary,
    mechanism: f.mechanism,
    startFs: [f.startF],
    stopFs: [f.stopF],
    needs: { primary: true },
    colour: f.colour,
    draw: (nodes, rng, o) => ({ f: f.startF, value: drawProcessTargets(nodes, rng, o) }),
    stop: () => ({ f: f.stopF, value: 'all' }),
    nemesis: (o) => new ProcessFaultNemesis(f, o.primary),
    aimed: (nodes) => ({ start: { f: f.startF, value: [...nodes] }, stop: { f: f.stopF, value: [...nodes] } }),
    describe: (_op, value) => describeTargets(f.kind, value),
  });
}

class ProcessFaultNemesis implements Nemesis {
  readonly fs: readonly string[];
  private readonly affected = new Set<string>();

  constructor(
    private readonly fault: ProcessFault<string>,
    private readonly primary?: PrimaryResolver,
  ) {
    this.fs = [fault.startF, fault.stopF];
  }

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === this.fault.startF) {
      const nodes = await resolveTargets(op.value, test.cluster, this.primary);
      await Promise.all(nodes.map((n) => this.fault.act(test.cluster, n)));
      nodes.forEach((n) => this.affected.add(n));
      return { type: 'ok', value: nodes };
    }
    const nodes = op.value === 'all' ? [...this.affected] : await resolveTargets(op.value, test.cluster);
    await Promise.all(nodes.map((n) => this.fault.undo(test.cluster, n)));
    nodes.forEach((n) => this.affected.delete(n));
    return { type: 'ok', value: nodes };
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.invoke(test, { f: this.fault.stopF, value: 'all' });
  }
}
