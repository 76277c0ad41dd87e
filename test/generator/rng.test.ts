import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.js';

function draws(rng: Rng, n: number): number[] {
  const out: number[] = [];
  let r = rng;
  for (let i = 0; i < n; i++) {
    const [x, next] = r.next();
    out.push(x);
    r = next;
  }
  return out;
}

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(draws(Rng.seeded(42), 20)).toEqual(draws(Rng.seeded(42), 20));
    expect(draws(Rng.seeded(42), 20)).not.toEqual(draws(Rng.seeded(43), 20));
    // Seeds beyond 32 bits and negative seeds are distinct too.
    expect(draws(Rng.seeded(2 ** 40), 5)).not.toEqual(draws(Rng.seeded(0), 5));
    expect(draws(Rng.seeded(-1), 5)).not.toEqual(draws(Rng.seeded(1), 5));
  });

  it('never mutates: drawing twice from one Rng gives the same value', () => {
    const r = Rng.seeded(7);
    const before = r.state;
    const [a] = r.next();
    const [b] = r.next();
    expect(a).toBe(b);
    expect(r.state).toEqual(before);
    const [i1] = r.int(1000);
    const [i2] = r.int(1000);
    expect(i1).toBe(i2);
  });

  it('next() is in [0, 1) and roughly uniform', () => {
    const xs = draws(Rng.seeded(1), 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('int(n) covers 0..n-1 evenly', () => {
    const counts = new Array<number>(6).fill(0);
    let r = Rng.seeded(99);
    for (let i = 0; i < 60_000; i++) {
      const [x, next] = r.int(6);
      counts[x] = (counts[x] ?? 0) + 1;
      r = next;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('int(n) stays in range for any n (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const [x] = Rng.seeded(seed).int(n);
        return Number.isInteger(x) && x >= 0 && x < n;
      }),
    );
  });

  it('rejects bad arguments', () => {
    expect(() => Rng.seeded(1.5)).toThrow(RangeError);
    expect(() => Rng.seeded(0).int(0)).toThrow(RangeError);
    expect(() => Rng.seeded(0).pick([])).toThrow(RangeError);
  });

  it('pick and shuffle', () => {
    const xs = ['a', 'b', 'c', 'd', 'e'];
    const [p] = Rng.seeded(3).pick(xs);
    expect(xs).toContain(p);
    const [s] = Rng.seeded(3).shuffle(xs);
    expect([...s].sort()).toEqual(xs);
    expect(xs).toEqual(['a', 'b', 'c', 'd', 'e']);
    const [s2] = Rng.seeded(3).shuffle(xs);
    expect(s2).toEqual(s);
  });

  it('split gives independent, deterministic streams', () => {
    const [a, rest] = Rng.seeded(5).split();
    const [a2, rest2] = Rng.seeded(5).split();
    expect(draws(a, 10)).toEqual(draws(a2, 10));
    expect(draws(rest, 10)).toEqual(draws(rest2, 10));
    expect(draws(a, 10)).not.toEqual(draws(rest, 10));
    const [children] = Rng.seeded(5).splitN(3);
    expect(new Set(children.map((c) => c.next()[0])).size).toBe(3);
  });

  it('round-trips through its state', () => {
    const [, r] = Rng.seeded(11).next();
    const copy = Rng.fromState(JSON.parse(JSON.stringify(r)) as [number, number, number, number]);
    expect(copy.equals(r)).toBe(true);
    expect(draws(copy, 5)).toEqual(draws(r, 5));
  });
});
