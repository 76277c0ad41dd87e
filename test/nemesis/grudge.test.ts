import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bridge, completeGrudge, halves, isolate, majoritiesRing, majority, oneWay, visible } from '../../src/nemesis/grudge.js';
import { partitionOp, PARTITION_SHAPES } from '../../src/nemesis/partition.js';
import { FAULT_PACKAGES } from '../../src/nemesis/registry.js';
import { pickTargets } from '../../src/nemesis/targets.js';
import { Rng } from '../../src/core/rng.js';
import { nodeNames } from '../../src/cluster/cluster.js';

/** A cluster of 1..9 nodes in a random order. */
const shuffledNodes = (min = 1) =>
  fc.integer({ min, max: 9 }).chain((n) => fc.shuffledSubarray(nodeNames(n), { minLength: n, maxLength: n }));

describe('partition shapes', () => {
  it('majorities ring: every node sees a majority, and no two see the same one', () => {
    fc.assert(
      fc.property(shuffledNodes(3), (ring) => {
        const g = majoritiesRing(ring);
        const views = ring.map((n) => visible(g, n, ring).sort().join(','));
        for (const n of ring) {
          expect(visible(g, n, ring)).toContain(n);
          expect(visible(g, n, ring).length).toBe(majority(ring.length));
        }
        expect(new Set(views).size).toBe(ring.length);
      }),
      { numRuns: 300 },
    );
  });

  it('bridge: exactly one node hears both halves, the halves do not hear each other', () => {
    fc.assert(
      fc.property(shuffledNodes(3), (nodes) => {
        const g = bridge(nodes);
        const all = nodes.filter((n) => visible(g, n, nodes).length === nodes.length);
        expect(all).toHaveLength(1);
        const b = all[0]!;
        // Everyone hears the bridge, and the bridge node is heard by everyone.
        for (const n of nodes) expect(visible(g, n, nodes)).toContain(b);
        // Outside the bridge, nodes fall into two groups that drop each other completely.
        const others = nodes.filter((n) => n !== b);
        for (const x of others) for (const y of g[x] ?? []) expect(g[y]).toContain(x);
      }),
      { numRuns: 300 },
    );
  });

  it('one-way is asymmetric: the deaf side drops the other, never the reverse', () => {
    fc.assert(
      fc.property(shuffledNodes(2), (nodes) => {
        const [a, b] = halves(nodes);
        const g = oneWay(a, b);
        for (const x of a) expect(g[x]).toEqual(b);
        for (const y of b) expect(g[y] ?? []).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('halves and isolate are symmetric complete cuts', () => {
    fc.assert(
      fc.property(shuffledNodes(2), (nodes) => {
        for (const g of [completeGrudge(halves(nodes)), isolate(nodes[0]!, nodes)]) {
          for (const [x, from] of Object.entries(g)) for (const y of from) expect(g[y]).toContain(x);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every shape drawn by the schedule is reproducible from the seed', () => {
    const nodes = nodeNames(5);
    for (const shape of PARTITION_SHAPES) {
      expect(partitionOp(shape, nodes, Rng.seeded(3))).toEqual(partitionOp(shape, nodes, Rng.seeded(3)));
    }
    for (const pkg of FAULT_PACKAGES) {
      expect(pkg.draw(nodes, Rng.seeded(8), { primary: true })).toEqual(pkg.draw(nodes, Rng.seeded(8), { primary: true }));
      // …and the seed matters: twenty seeds do not all draw the same fault.
      const drawn = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(pkg.draw(nodes, Rng.seeded(i), { primary: true }))));
      expect(drawn.size, pkg.kind).toBeGreaterThan(1);
    }
  });

  it('process-fault targets have the sizes their names promise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer(), (n, seed) => {
        const nodes = nodeNames(n);
        const rng = Rng.seeded(seed);
        expect(pickTargets('one', nodes, rng)).toHaveLength(1);
        expect(pickTargets('majority', nodes, rng)).toHaveLength(majority(n));
        // A one-node cluster has no strict minority; the fault still hits one node.
        if (n > 1) expect((pickTargets('minority', nodes, rng) as string[]).length).toBeLessThan(majority(n));
        expect(pickTargets('all', nodes, rng)).toHaveLength(n);
        expect(pickTargets('primary', nodes, rng)).toBe('primary');
      }),
    );
  });
});
