import { describe, it, expect } from 'vitest';
import {
  alternate,
  empty,
  filter,
  gen,
  limit,
  makeContext,
  map,
  mix,
  once,
  repeat,
  seq,
  simulate,
  andThen,
  type GenContext,
  type Generator,
  type GenStep,
} from '../../src/core/generator/index.js';
import { fs, invokes } from './helpers.js';

const ctx = (over: Partial<Parameters<typeof makeContext>[0]> = {}): GenContext => makeContext({ concurrency: 3, seed: 1, ...over });

function opOf(step: GenStep) {
  if (step === null || step === 'pending') throw new Error(`expected an op, got ${String(step)}`);
  return step.op;
}

describe('coercion', () => {
  it('an op template emits once, on the first free client thread, at ctx.time', () => {
    const g = gen({ f: 'read', value: 1 });
    const step = g.op(ctx({ time: 500, busy: [0] }));
    expect(opOf(step)).toEqual({ process: 1, time: 500, f: 'read', value: 1 });
    if (step === null || step === 'pending') throw new Error();
    expect(step.gen.op(ctx())).toBeNull();
  });

  it('uses ctx.workers for the process (after an info the process number moves on)', () => {
    const workers = new Map<number | 'nemesis', number | 'nemesis'>([
      [0, 3],
      [1, 1],
      [2, 2],
      ['nemesis', 'nemesis'],
    ]);
    // Only thread 0 is free, so the op must run as thread 0's current process.
    expect(opOf(gen({ f: 'read' }).op(ctx({ workers, busy: [1, 2] }))).process).toBe(3);
  });

  it('spreads ops over free client threads at random, reproducibly by seed', () => {
    const picks = (seed: number) => {
      const out: unknown[] = [];
      for (let s = 0; s < 30; s++) out.push(opOf(gen({ f: 'read' }).op(ctx({ seed: seed * 100 + s }))).process);
      return out;
    };
    expect(new Set(picks(1)).size).toBe(3);
    expect(picks(1)).toEqual(picks(1));
  });

  it('a template is pending when no client thread is free, even if the nemesis is', () => {
    expect(gen({ f: 'read' }).op(ctx({ busy: [0, 1, 2] }))).toBe('pending');
  });

  it('null and undefined are exhausted; arrays are sequences', () => {
    expect(gen(null).op(ctx())).toBeNull();
    expect(gen(undefined)).toBe(empty);
    expect(fs(simulate([{ f: 'a' }, { f: 'b' }, [{ f: 'c' }]], { seed: 1, concurrency: 1 }))).toEqual(['a', 'b', 'c']);
  });

  it('a Generator coerces to itself', () => {
    const g = gen({ f: 'x' });
    expect(gen(g)).toBe(g);
  });

  it('a function is called for every op (an infinite generator)', () => {
    let calls = 0;
    const h = simulate(
      limit(5, (c: GenContext) => {
        calls++;
        return { f: 'w', value: c.time };
      }),
      { seed: 1, concurrency: 1, latencyNs: 10 },
    );
    expect(invokes(h).map((e) => e.value)).toEqual([0, 10, 20, 30, 40]);
    expect(calls).toBeGreaterThanOrEqual(5);
  });

  it('a function may return a generator, which runs to exhaustion before the next call', () => {
    // Functions must be pure: they may be called again when their op cannot be placed yet.
    const h = simulate(
      limit(6, (c: GenContext) => [{ f: 'a', value: c.time }, { f: 'b' }]),
      { seed: 1, concurrency: 1 },
    );
    expect(fs(h)).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(invokes(h).filter((e) => e.f === 'a').map((e) => e.value)).toEqual([0, 2_000_000, 4_000_000]);
  });

  it('a function returning null ends the generator', () => {
    const h = simulate((c: GenContext) => (c.time < 3_000_000 ? { f: 'r' } : null), { seed: 1, concurrency: 1 });
    expect(fs(h)).toEqual(['r', 'r', 'r']);
  });

  it('a function sees a fresh random stream each call, reproducibly', () => {
    const g = limit(20, (c: GenContext) => ({ f: 'r', value: c.rng.int(1000)[0] }));
    const a = invokes(simulate(g, { seed: 5, concurrency: 2 })).map((e) => e.value);
    const b = invokes(simulate(g, { seed: 5, concurrency: 2 })).map((e) => e.value);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(10);
  });

  it('rejects values that are not generators', () => {
    expect(() => gen({ nope: 1 } as never)).toThrow(TypeError);
  });
});

describe('seq / andThen', () => {
  it('runs generators in order without waiting for completions', () => {
    const h = simulate(seq(repeat({ f: 'a' }, 2), { f: 'b' }), { seed: 1, concurrency: 3 });
    expect(fs(h)).toEqual(['a', 'a', 'b']);
    // No synchronization: b starts while the a's are still in flight.
    expect(invokes(h)[2]?.time).toBe(0);
  });

  it('andThen(a, b) is a followed by b', () => {
    expect(fs(simulate(andThen({ f: 'a' }, { f: 'b' }), { seed: 1, concurrency: 1 }))).toEqual(['a', 'b']);
  });

  it('seq() of nothing is exhausted', () => {
    expect(seq().op(ctx())).toBeNull();
  });
});

describe('repeat / once / limit', () => {
  it('repeat(x, n) emits x n times', () => {
    expect(fs(simulate(repeat({ f: 'r' }, 4), { seed: 1, concurrency: 2 }))).toEqual(['r', 'r', 'r', 'r']);
  });

  it('repeat(x) is infinite (bounded here by steps)', () => {
    expect(invokes(simulate(repeat({ f: 'r' }), { seed: 1, concurrency: 2, steps: 50 }))).toHaveLength(50);
  });

  it('repeat re-emits the first op of its generator rather than advancing it', () => {
    expect(fs(simulate(repeat([{ f: 'a' }, { f: 'b' }], 3), { seed: 1, concurrency: 1 }))).toEqual(['a', 'a', 'a']);
  });

  it('limit caps the count; once emits one', () => {
    expect(invokes(simulate(limit(7, repeat({ f: 'r' })), { seed: 1, concurrency: 3 }))).toHaveLength(7);
    expect(invokes(simulate(limit(7, repeat({ f: 'r' }, 3)), { seed: 1, concurrency: 3 }))).toHaveLength(3);
    expect(invokes(simulate(once(repeat({ f: 'r' })), { seed: 1, concurrency: 3 }))).toHaveLength(1);
    expect(limit(0, { f: 'r' }).op(ctx())).toBeNull();
  });

  it('reject negative counts', () => {
    expect(() => limit(-1, { f: 'r' })).toThrow(RangeError);
    expect(() => repeat({ f: 'r' }, 1.5)).toThrow(RangeError);
  });
});

describe('mix', () => {
  const m = limit(200, mix([repeat({ f: 'a' }), repeat({ f: 'b' }), repeat({ f: 'c' })]));

  it('picks uniformly at random per op', () => {
    const counts = new Map<string, number>();
    for (const f of fs(simulate(m, { seed: 3, concurrency: 4 }))) counts.set(f, (counts.get(f) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const c of counts.values()) expect(c).toBeGreaterThan(40);
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(simulate(m, { seed: 3, concurrency: 4 })).toEqual(simulate(m, { seed: 3, concurrency: 4 }));
    expect(fs(simulate(m, { seed: 3, concurrency: 4 }))).not.toEqual(fs(simulate(m, { seed: 4, concurrency: 4 })));
  });

  it('drops exhausted members and ends when all are', () => {
    const h = simulate(mix([repeat({ f: 'a' }, 3), repeat({ f: 'b' }, 5)]), { seed: 9, concurrency: 2 });
    const got = fs(h);
    expect(got.filter((f) => f === 'a')).toHaveLength(3);
    expect(got.filter((f) => f === 'b')).toHaveLength(5);
    expect(mix([]).op(ctx())).toBeNull();
  });
});

describe('filter / map', () => {
  it('filter skips ops that fail the predicate', () => {
    let i = 0;
    const g = limit(
      10,
      filter(
        (op) => (op.value as number) % 2 === 0,
        () => ({ f: 'w', value: i++ }),
      ),
    );
    const vals = invokes(simulate(g, { seed: 1, concurrency: 1 })).map((e) => e.value as number);
    expect(vals).toHaveLength(10);
    expect(vals.every((v) => v % 2 === 0)).toBe(true);
  });

  it('filter over a finite generator ends with it', () => {
    expect(fs(simulate(filter((op) => op.f !== 'b', [{ f: 'a' }, { f: 'b' }, { f: 'c' }]), { seed: 1, concurrency: 1 }))).toEqual(['a', 'c']);
  });

  it('map rewrites ops', () => {
    const h = simulate(
      map((op) => ({ ...op, value: `${op.f}!` }), repeat({ f: 'x' }, 2)),
      { seed: 1, concurrency: 1 },
    );
    expect(invokes(h).map((e) => e.value)).toEqual(['x!', 'x!']);
  });
});

describe('alternate', () => {
  it('alternates a, b, a, b until the one whose turn it is ends', () => {
    expect(fs(simulate(alternate(repeat({ f: 'a' }, 3), repeat({ f: 'b' })), { seed: 1, concurrency: 2 }))).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });
});

describe('purity', () => {
  const gens: Record<string, Generator> = {
    template: gen({ f: 'r' }),
    mix: mix([repeat({ f: 'a' }), repeat({ f: 'b' })]),
    seq: seq({ f: 'a' }, { f: 'b' }),
    fn: gen((c: GenContext) => ({ f: 'r', value: c.rng.next()[0] })),
  };
  for (const [name, g] of Object.entries(gens)) {
    it(`op() on the same generator and context gives equal steps (${name})`, () => {
      const c = ctx({ seed: 77, time: 123 });
      const a = g.op(c);
      const b = g.op(c);
      expect(a).toEqual(b);
      if (a === null || a === 'pending' || b === null || b === 'pending') throw new Error('expected ops');
      expect(a.rng.equals(b.rng)).toBe(true);
      // And the next op from the continuation too.
      const c2 = { ...c, rng: a.rng };
      expect(a.gen.op(c2)).toEqual(b.gen.op(c2));
    });
  }
});

describe('function generators returning nothing', () => {
  it('a function that sometimes returns an empty generator keeps being called', () => {
    const g = limit(5, (c: GenContext) => (c.rng.int(3)[0] === 0 ? [] : { f: 'r' }));
    expect(invokes(simulate(g, { seed: 2, concurrency: 1 }))).toHaveLength(5);
  });

  it('a function that only returns empty generators fails loudly instead of overflowing the stack', () => {
    expect(() => gen(() => []).op(ctx())).toThrow(/exhausted generators/);
  });
});
