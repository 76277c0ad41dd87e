/**
 * Clock faults through libfaketime: each node's process reads its wall clock through a
 * per-node offset file that the cluster backend wires in at launch (see
 * `Cluster.setClock`). `clock-bump` jumps nodes by offsets, `clock-strobe` flips a node's
 * clock back and forth fast for a while, `clock-reset` puts everyone back. Monotonic
 * clocks are left alone, as with a real NTP step.
 */
import type { TestRuntime } from '../core/test.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { resolveTargets } from './targets.js';

export interface StrobeValue {
  nodes: string[];
  /** Seconds between the two clock readings it flips between. */
  delta: number;
  /** Milliseconds between flips. */
  periodMs: number;
  /** Seconds the strobe lasts (bounded: the nemesis thread waits for it). */
  duration: number;
}

export class ClockNemesis implements Nemesis {
  readonly fs = ['clock-bump', 'clock-strobe', 'clock-reset'] as const;
  private readonly skewed = new Set<string>();

  async setup(test: TestRuntime): Promise<void> {
    if (!test.cluster.setClock) throw new Error(`clock faults are not supported on the ${test.cluster.backend} backend`);
  }

  private async set(test: TestRuntime, node: string, offset: number): Promise<void> {
    await test.cluster.setClock!(node, offset);
    if (offset === 0) this.skewed.delete(node);
    else this.skewed.add(node);
  }

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    switch (op.f) {
      case 'clock-bump': {
        const offsets = op.value as Record<string, number>;
        await Promise.all(Object.entries(offsets).map(([n, s]) => this.set(test, n, s)));
        return { type: 'ok', value: offsets };
      }
      case 'clock-strobe': {
        const v = op.value as StrobeValue;
        const end = Date.now() + Math.min(v.duration, 60) * 1000;
        let flips = 0;
        for (let high = true; Date.now() < end; high = !high, flips++) {
          await Promise.all(v.nodes.map((n) => this.set(test, n, high ? v.delta : 0)));
          await new Promise((r) => setTimeout(r, Math.max(10, v.periodMs)));
        }
        await Promise.all(v.nodes.map((n) => this.set(test, n, 0)));
        return { type: 'ok', value: { ...v, flips } };
      }
      default: {
        const nodes = op.value === 'all' ? [...this.skewed] : await resolveTargets(op.value, test.cluster);
        await Promise.all(nodes.map((n) => this.set(test, n, 0)));
        return { type: 'ok', value: nodes };
      }
    }
  }

  async teardown(test: TestRuntime): Promise<void> {
    if (test.cluster.setClock) await this.invoke(test, { f: 'clock-reset', value: 'all' });
  }
}
