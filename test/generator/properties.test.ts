import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  any,
  clients,
  cycle,
  delay,
  eachThread,
  limit,
  makeContext,
  mix,
  nemesis,
  phases,
  repeat,
  seq,
  simulate,
  sleep,
  stagger,
  timeLimit,
  untilOk,
  type Generator,
} from '../../src/core/generator/index.js';
import type { Op, ProcessId } from '../../src/core/op.js';
import { invokes } from './helpers.js';

/** A random generator built from the library (no nested thread routing, which can deadlock). */
const genArb: fc.Arbitrary<Generator> = fc.letrec<{ g: Generator }>((tie) => ({
  g: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('r', 'w', 'cas').map((f) => repeat({ f }, 3)),
    fc.nat(5).map((n) => repeat({ f: 'r', value: n })),
    fc.integer({ min: 0, max: 2 }).map((s) => sleep(s / 10)),
    fc.tuple(fc.nat(20), tie('g')).map(([n, g]) => limit(n, g)),
    fc.array(tie('g'), { minLength: 1, maxLength: 3 }).map((gs) => mix(gs)),
    fc.array(tie('g'), { minLength: 1, maxLength: 3 }).map((gs) => seq(...gs)),
    fc.array(tie('g'), { minLength: 1, maxLength: 3 }).map((gs) => any(...gs)),
    fc.array(tie('g'), { minLength: 1, maxLength: 3 }).map((gs) => phases(...gs)),
    fc.tuple(fc.nat(3), tie('g')).map(([n, g]) => cycle(g, n)),
    fc.tuple(fc.integer({ min: 1, max: 50 }), tie('g')).map(([ms, g]) => stagger(ms / 1000, g)),
    fc.tuple(fc.integer({ min: 1, max: 50 }), tie('g')).map(([ms, g]) => delay(ms / 1000, g)),
    fc.tuple(fc.integer({ min: 1, max: 500 }), tie('g')).map(([ms, g]) => timeLimit(ms / 1000, g)),
    tie('g').map((g) => untilOk(g)),
    tie('g').map((g) => eachThread(limit(5, g))),
  ),
})).g;

const topArb = fc.oneof(
  genArb,
  fc.tuple(genArb, genArb).map(([c, n]) => any(clients(c), nemesis(n))),
);

const optsArb = fc.record({
  seed: fc.integer(),
  concurrency: fc.integer({ min: 1, max: 5 }),
  latencyNs: fc.integer({ min: 0, max: 20_000_000 }),
});

/** Checks the invoke/complete pairing of a history. */
function wellFormed(h: readonly Op[]): void {
  const open = new Map<ProcessId, Op>();
  let lastTime = 0;
  h.forEach((e, i) => {
    expect(e.index).toBe(i);
    expect(e.time).toBeGreaterThanOrEqual(lastTime);
    lastTime = e.time;
    if (e.type === 'invoke') {
      expect(open.has(e.process)).toBe(false);
      open.set(e.process, e);
    } else {
      expect(open.get(e.process)?.f).toBe(e.f);
      open.delete(e.process);
    }
  });
  expect(open.size).toBe(0);
}

describe('generator properties', () => {
  it('limit(n, g) never emits more than n ops', () => {
    fc.assert(
      fc.property(fc.nat(30), genArb, optsArb, (n, g, opts) => {
        expect(invokes(simulate(limit(n, g), { ...opts, steps: 500 })).length).toBeLessThanOrEqual(n);
      }),
      { numRuns: 150 },
    );
  });

  it('same seed, same history; histories are well formed and respect routing', () => {
    fc.assert(
      fc.property(topArb, optsArb, (g, opts) => {
        const a = simulate(g, { ...opts, steps: 300 });
        const b = simulate(g, { ...opts, steps: 300 });
        expect(a).toEqual(b);
        wellFormed(a);
      }),
      { numRuns: 150 },
    );
  });

  it('bare ops outside nemesis(...) never reach the nemesis', () => {
    fc.assert(
      fc.property(genArb, optsArb, (g, opts) => {
        const h = simulate(g, { ...opts, steps: 300 });
        expect(h.every((e) => e.process !== 'nemesis')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('op() is pure: the same generator and context give equal steps', () => {
    fc.assert(
      fc.property(
        topArb,
        fc.integer(),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(1_000_000_000),
        fc.subarray([0, 1, 2, 3, 'nemesis'] as const),
        (g, seed, concurrency, time, busy) => {
          const ctx = makeContext({ concurrency, seed, time, busy: [...busy] });
          const a = g.op(ctx);
          const b = g.op(ctx);
          expect(a).toEqual(b);
          if (a !== null && a !== 'pending' && b !== null && b !== 'pending') {
            expect(a.rng.equals(b.rng)).toBe(true);
            // Op times never go back before ctx.time, and go to a free thread.
            expect(a.op.time).toBeGreaterThanOrEqual(time);
            const thread = [...ctx.workers].find(([, p]) => p === a.op.process)?.[0];
            expect(thread !== undefined && ctx.free.includes(thread)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('timeLimit(dt, g) emits nothing at or after first-op-time + dt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), genArb, optsArb, (ms, g, opts) => {
        const inv = invokes(simulate(timeLimit(ms / 1000, g), { ...opts, steps: 500 }));
        const first = inv[0];
        if (first !== undefined) for (const e of inv) expect(e.time).toBeLessThan(first.time + ms * 1_000_000);
      }),
      { numRuns: 100 },
    );
  });
});
