/**
 * Fault package `clock`: wall-clock faults through libfaketime. Each node's process reads
 * its wall clock through a per-node offset file that the cluster backend wires in at
 * launch (see `Cluster.setClock`). `clock-bump` jumps nodes by offsets of up to ±60 s,
 * `clock-strobe` flips a node's clock back and forth fast for a while, `clock-reset` puts
 * everyone back. Monotonic clocks are left alone, as with a real NTP step. Systems that do
 * not read time through libc (static Go binaries) cannot be skewed: the run refuses them.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, describeTargets, round3 } from './package.js';
import { resolveTargets } from './targets.js';

const BUMP = 'clock-bump';
const STROBE = 'clock-strobe';
const RESET = 'clock-reset';

interface StrobeValue {
  nodes: string[];
  /** Seconds between the two clock readings it flips between. */
  delta: number;
  /** Milliseconds between flips. */
  periodMs: number;
  /** Seconds the strobe lasts (bounded: the nemesis thread waits for it). */
  duration: number;
}

class ClockNemesis implements Nemesis {
  readonly fs = [BUMP, STROBE, RESET] as const;
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
      case BUMP: {
        const offsets = op.value as Record<string, number>;
        await Promise.all(Object.entries(offsets).map(([n, s]) => this.set(test, n, s)));
        return { type: 'ok', value: offsets };
      }
      case STROBE: {
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
    if (test.cluster.setClock) await this.invoke(test, { f: RESET, value: 'all' });
  }
}

export const clock = defineFaultPackage({
  kind: 'clock',
  summary: 'bump (jump nodes\' wall clocks by up to ±60 s), strobe (flip a node\'s clock back and forth every 10–100 ms), reset',
  mechanism:
    'Debian\'s libfaketime preloaded into node processes, offsets in a per-node file re-read on every clock call; monotonic clocks are left alone. Refused for systems that do not read time through libc (static Go binaries such as etcd)',
  startFs: [BUMP, STROBE],
  stopFs: [RESET],
  needs: { fakeTime: true },
  colour: 'time',
  draw(nodes, rng) {
    const [strobe, r1] = rng.bool(0.3);
    if (strobe) {
      const [node, r2] = r1.pick(nodes);
      const [delta, r3] = r2.uniform(1, 10);
      const [periodMs] = r3.int(90);
      return { f: STROBE, value: { nodes: [node], delta: round3(delta), periodMs: 10 + periodMs, duration: 3 } };
    }
    const [targets, r2] = r1.shuffle(nodes);
    const [count, r3] = r2.int(nodes.length);
    let rr = r3;
    const offsets: Record<string, number> = {};
    for (const n of targets.slice(0, count + 1)) {
      const [s, next] = rr.uniform(-60, 60);
      offsets[n] = round3(s);
      rr = next;
    }
    return { f: BUMP, value: offsets };
  },
  stop: () => ({ f: RESET, value: 'all' }),
  nemesis: () => new ClockNemesis(),
  describe(f, value) {
    if (f === STROBE) return describeTargets('clock strobe', value);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return describeTargets('clock', value);
    const offsets = Object.entries(value as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number');
    return `clock ${offsets.map(([n, s]) => `${n}${s >= 0 ? '+' : ''}${s}s`).join(' ')}`.trim();
  },
});
