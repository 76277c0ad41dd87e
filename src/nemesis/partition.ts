/**
 * Fault package `partition`: nodes stop hearing each other. A start op draws a shape
 * (random halves, one node isolated, the primary isolated, majorities ring, bridge,
 * one-way) as a grudge — for each node, whose packets it drops (grudge.ts) — and the
 * nemesis installs it with iptables DROP rules by source address inside each node's
 * network namespace (chain FAULTLINE). Only node-to-node traffic is filtered; the
 * harness' clients keep reaching every node, as Jepsen's control node does.
 *
 * Op values: `{shape, grudge}` (drawn), `{shape: "primary"}` (the primary is looked up when
 * the fault runs), or a bare grudge. The completion records the grudge actually applied.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { OpTemplate } from '../core/generator/types.js';
import type { Rng } from '../core/rng.js';
import { bridge, completeGrudge, describeGrudge, halves, isolate, majoritiesRing, oneWay, type Grudge } from './grudge.js';
import { ensureChain, ipt, IPTABLES } from './iptables.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, type DrawOptions } from './package.js';
import type { PrimaryResolver } from './targets.js';

/** iptables chain we own, so healing never touches anyone else's rules. */
const PARTITION_CHAIN = 'FAULTLINE';

export const PARTITION_SHAPES = ['halves', 'one', 'primary', 'majorities-ring', 'bridge', 'one-way'] as const;
export type PartitionShape = (typeof PARTITION_SHAPES)[number];

const START = 'start-partition';
const STOP = 'stop-partition';

/** A partition op of the given shape over the nodes, drawn from `rng`. */
export function partitionOp(shape: PartitionShape, nodes: readonly string[], rng: Rng): OpTemplate {
  const [shuffled, r1] = rng.shuffle(nodes);
  switch (shape) {
    case 'halves':
      return { f: START, value: { shape, grudge: completeGrudge(halves(shuffled)) } };
    case 'one':
      return { f: START, value: { shape, grudge: isolate(shuffled[0]!, nodes) } };
    case 'primary':
      return { f: START, value: { shape } };
    case 'majorities-ring':
      return { f: START, value: { shape, grudge: majoritiesRing(shuffled) } };
    case 'bridge':
      return { f: START, value: { shape, grudge: bridge(shuffled) } };
    case 'one-way': {
      const [a, b] = halves(shuffled);
      // Either the minority goes deaf to the majority or the other way round.
      const [flip] = r1.bool();
      return { f: START, value: { shape, grudge: flip ? oneWay(a, b) : oneWay(b, a) } };
    }
  }
}

/** Shapes that make sense for this many nodes (a ring or bridge needs at least 3). */
function shapesFor(nodes: readonly string[], o: DrawOptions): PartitionShape[] {
  return PARTITION_SHAPES.filter((s) => (s !== 'primary' || o.primary) && (nodes.length >= 3 || s === 'halves' || s === 'one') && (o.shapes?.includes(s) ?? true));
}

interface PartitionValue {
  shape?: string;
  grudge?: Grudge;
}

class PartitionNemesis implements Nemesis {
  readonly fs = [START, STOP] as const;

  constructor(private readonly primary?: PrimaryResolver) {}

  async setup(test: TestRuntime): Promise<void> {
    // A restarted container gets a fresh namespace without our chain: setup is idempotent.
    await Promise.all(test.cluster.nodes.map((n) => ensureChain(test, n, PARTITION_CHAIN)));
  }

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    if (op.f === STOP) {
      await this.heal(test);
      return { type: 'ok', value: 'healed' };
    }
    const v = (op.value ?? {}) as PartitionValue & Grudge;
    let shape = typeof v.shape === 'string' ? v.shape : 'custom';
    let grudge: Grudge;
    if (shape === 'primary') {
      const p = await this.primary?.(test.cluster);
      if (!p) return { type: 'info', value: op.value, error: 'the system under test names no primary' };
      grudge = isolate(p, test.cluster.nodes);
    } else {
      grudge = v.grudge ?? (v as Grudge);
      if (!v.grudge) shape = 'custom';
    }
    await this.heal(test);
    await Promise.all(
      Object.entries(grudge).map(async ([node, from]) => {
        for (const src of from) await ipt(test, node, ['-A', PARTITION_CHAIN, '-s', test.cluster.ip(src), '-j', 'DROP']);
      }),
    );
    return { type: 'ok', value: { shape, grudge } };
  }

  private async heal(test: TestRuntime): Promise<void> {
    await Promise.all(test.cluster.nodes.map((n) => ipt(test, n, ['-F', PARTITION_CHAIN])));
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.heal(test);
  }
}

export const partition = defineFaultPackage({
  kind: 'partition',
  summary:
    'a shape drawn at random: random halves, one node isolated, the primary isolated (where the system names one), majorities ring (every node sees a majority, no two the same), bridge (two halves joined by one node), one-way (one side stops hearing the other)',
  mechanism: 'iptables `DROP` rules by source address in each node\'s network namespace (chain `FAULTLINE`)',
  startFs: [START],
  stopFs: [STOP],
  needs: { hostTools: [IPTABLES], primary: true },
  colour: 'cut',
  draw(nodes, rng, o) {
    const [shape, r] = rng.pick(shapesFor(nodes, o));
    return partitionOp(shape, nodes, r);
  },
  stop: () => ({ f: STOP, value: null }),
  nemesis: (o) => new PartitionNemesis(o.primary),
  aimed(nodes, all) {
    const rest = all.filter((n) => !nodes.includes(n));
    return { start: { f: START, value: { shape: 'custom', grudge: completeGrudge([[...nodes], rest]) } }, stop: { f: STOP, value: null } };
  },
  describe(_f, value) {
    const v = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (!v) return 'partition';
    // Either { shape, grudge? } or a bare grudge.
    const shape = typeof v.shape === 'string' && v.shape !== 'custom' ? v.shape : undefined;
    const grudge = typeof v.grudge === 'object' && v.grudge !== null ? v.grudge : typeof v.shape === 'string' ? undefined : v;
    const sides = grudge ? describeGrudge(grudge as Record<string, unknown>) : undefined;
    const text = ['partition', shape, sides].filter((x) => x !== undefined && x !== '').join(' ');
    return text.length > 70 ? text.slice(0, 70) + '…' : text;
  },
});
