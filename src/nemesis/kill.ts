/**
 * Crash faults: `kill` sends SIGKILL to its targets (no flush, no goodbye), `start`
 * restarts the named nodes (or every dead one) with their data directories intact.
 * `pause`/`resume` freeze a node with SIGSTOP/SIGCONT: alive to TCP, silent to everyone.
 * Targets are node lists or "primary" (see targets.ts); completions record the nodes hit.
 */
import type { TestRuntime } from '../core/test.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { resolveTargets, type PrimaryResolver } from './targets.js';

export class KillNemesis implements Nemesis {
  readonly fs = ['kill', 'start'] as const;
  private readonly dead = new Set<string>();

  constructor(private readonly primary?: PrimaryResolver) {}

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === 'kill') {
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
    await this.invoke(test, { f: 'start', value: 'all' });
  }
}

export class PauseNemesis implements Nemesis {
  readonly fs = ['pause', 'resume'] as const;
  private readonly paused = new Set<string>();

  constructor(private readonly primary?: PrimaryResolver) {}

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === 'pause') {
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
    await this.invoke(test, { f: 'resume', value: 'all' });
  }
}
