import { describe, it, expect } from 'vitest';
import {
  clients,
  delay,
  log,
  makeContext,
  nemesis,
  phases,
  rate,
  repeat,
  simulate,
  sleep,
  stagger,
  timeLimit,
} from '../../src/core/generator/index.js';
import { MS, S, fs, invokes } from './helpers.js';

describe('timeLimit', () => {
  it('stops emitting ops at first-op-time + dt', () => {
    const h = simulate(timeLimit(1, repeat({ f: 'r' })), { seed: 1, concurrency: 2, latencyNs: 100 * MS });
    const inv = invokes(h);
    // Two threads, one op each per 100 ms, for one second.
    expect(inv).toHaveLength(20);
    expect(Math.max(...inv.map((e) => e.time))).toBeLessThan(S);
  });

  it('measures from its own first op, not from the start of the test', () => {
    const h = simulate([sleep(5), timeLimit(1, repeat({ f: 'r' }))], { seed: 1, concurrency: 1, latencyNs: 100 * MS });
    const inv = invokes(h);
    expect(inv[0]?.time).toBe(5 * S);
    expect(inv).toHaveLength(10);
    expect(Math.max(...inv.map((e) => e.time))).toBeLessThan(6 * S);
  });

  it('cuts ops whose scheduled time lies past the limit', () => {
    const h = simulate(timeLimit(1, delay(0.3, repeat({ f: 'r' }))), { seed: 1, concurrency: 4 });
    expect(invokes(h).map((e) => e.time)).toEqual([0, 300 * MS, 600 * MS, 900 * MS]);
  });

  it('ends once the clock passes the cutoff even if its generator is pending', () => {
    // The nemesis thread is busy for 10 s, so the inner generator stays pending; the limit
    // must not keep the run waiting for it.
    const g = timeLimit(1, [{ f: 'a' }, nemesis(repeat({ f: 'n' }))]);
    const step = g.op(makeContext({ concurrency: 1 }));
    if (step === null || step === 'pending') throw new Error('expected op');
    const later = makeContext({ concurrency: 1, time: 2 * S, busy: ['nemesis'] });
    expect(step.gen.op(later)).toBeNull();
    expect(step.gen.op({ ...later, time: S / 2 })).toBe('pending');
  });
});

describe('stagger / rate', () => {
  it('stagger spaces ops at random intervals averaging dt, across all threads', () => {
    const h = simulate(timeLimit(20, stagger(0.1, clients(repeat({ f: 'r' })))), { seed: 7, concurrency: 5 });
    const times = invokes(h).map((e) => e.time);
    // 20 s at ~10 ops/s.
    expect(times.length).toBeGreaterThan(170);
    expect(times.length).toBeLessThan(230);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...gaps)).toBeLessThan(200 * MS);
    // Random, not fixed.
    expect(new Set(gaps).size).toBeGreaterThan(100);
  });

  it('rate(hz) is stagger(1/hz)', () => {
    const a = simulate(timeLimit(5, rate(50, repeat({ f: 'r' }))), { seed: 3, concurrency: 3 });
    const b = simulate(timeLimit(5, stagger(0.02, repeat({ f: 'r' }))), { seed: 3, concurrency: 3 });
    expect(a).toEqual(b);
    expect(invokes(a).length).toBeGreaterThan(200);
    expect(invokes(a).length).toBeLessThan(300);
  });

  it('stagger is reproducible from the seed', () => {
    const g = timeLimit(2, stagger(0.05, repeat({ f: 'r' })));
    expect(simulate(g, { seed: 11, concurrency: 2 })).toEqual(simulate(g, { seed: 11, concurrency: 2 }));
    expect(simulate(g, { seed: 11, concurrency: 2 })).not.toEqual(simulate(g, { seed: 12, concurrency: 2 }));
  });

  it('rejects a non-positive rate', () => {
    expect(() => rate(0, { f: 'r' })).toThrow(RangeError);
  });
});

describe('delay', () => {
  it('spaces ops exactly dt apart', () => {
    const h = simulate(delay(0.25, repeat({ f: 'r' }, 5)), { seed: 1, concurrency: 5 });
    expect(invokes(h).map((e) => e.time)).toEqual([0, 250, 500, 750, 1000].map((x) => x * MS));
  });

  it('does not burst to catch up when threads were busy', () => {
    // One thread, 1 s latency: ops are 1 s apart (the thread is the bottleneck), not bunched.
    const h = simulate(delay(0.1, repeat({ f: 'r' }, 3)), { seed: 1, concurrency: 1, latencyNs: S });
    expect(invokes(h).map((e) => e.time)).toEqual([0, S, 2 * S]);
  });
});

describe('sleep / log', () => {
  it('sleep occupies a client thread for its duration and is not in the history', () => {
    const h = simulate([{ f: 'a' }, sleep(2), { f: 'b' }], { seed: 1, concurrency: 1 });
    expect(fs(h)).toEqual(['a', 'b']);
    expect(invokes(h)[1]?.time).toBe(1 * MS + 2 * S);
  });

  it('sleep and log are visible with includeSpecial, with kind-specific ops', () => {
    const h = simulate([log('hello'), sleep(1)], { seed: 1, concurrency: 1, includeSpecial: true });
    expect(h.map((e) => [e.type, e.f, e.value, e.time, e.index])).toEqual([
      ['invoke', 'log', 'hello', 0, -1],
      ['ok', 'log', 'hello', 0, -1],
      ['invoke', 'sleep', 1, 0, -1],
      ['ok', 'sleep', 1, S, -1],
    ]);
    const step = sleep(3).op(makeContext({ concurrency: 2 }));
    if (step === null || step === 'pending') throw new Error('expected op');
    expect(step.op).toEqual({ process: 0, time: 0, f: 'sleep', value: 3, kind: 'sleep' });
  });

  it('a sleep between phases delays the next phase', () => {
    const h = simulate(phases({ f: 'a' }, sleep(5), { f: 'b' }), { seed: 1, concurrency: 3 });
    expect(invokes(h).map((e) => [e.f, e.time])).toEqual([
      ['a', 0],
      ['b', 1 * MS + 5 * S],
    ]);
  });

  it('inside nemesis(...), sleep runs on the nemesis thread', () => {
    const step = nemesis(sleep(1)).op(makeContext({ concurrency: 2 }));
    if (step === null || step === 'pending') throw new Error('expected op');
    expect(step.op.process).toBe('nemesis');
  });
});
