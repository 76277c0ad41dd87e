import { describe, it, expect } from 'vitest';
import {
  any,
  clients,
  clientsAndNemesis,
  cycle,
  delay,
  eachThread,
  limit,
  makeContext,
  nemesis,
  phases,
  repeat,
  simulate,
  sleep,
  synchronize,
  timeLimit,
  untilOk,
} from '../../src/core/generator/index.js';
import { MS, S, fs, invokes } from './helpers.js';

describe('phases / synchronize', () => {
  it('each phase starts after the previous one is exhausted and all its ops completed', () => {
    const latency = (op: { f: string }): number => (op.f === 'slow' ? 3 * S : 10 * MS);
    const h = simulate(phases([{ f: 'slow' }, repeat({ f: 'fast' }, 4)], eachThread({ f: 'final' })), {
      seed: 1,
      concurrency: 3,
      latencyNs: latency,
    });
    const inv = invokes(h);
    const slowDone = h.find((e) => e.f === 'slow' && e.type === 'ok');
    const finals = inv.filter((e) => e.f === 'final');
    expect(finals).toHaveLength(3);
    expect(slowDone?.time).toBe(3 * S);
    for (const e of finals) expect(e.time).toBe(3 * S);
    // Phase 1 ops all came first.
    expect(fs(h)).toEqual(['slow', 'fast', 'fast', 'fast', 'fast', 'final', 'final', 'final']);
  });

  it('waits for the nemesis too at the top level', () => {
    const h = simulate(phases(clientsAndNemesis(repeat({ f: 'r' }, 2), nemesis(sleep(2))), { f: 'after' }), { seed: 1, concurrency: 2 });
    expect(invokes(h).find((e) => e.f === 'after')?.time).toBe(2 * S);
  });

  it('inside clients(...), synchronizes on client threads only', () => {
    const g = clients(synchronize({ f: 'x' }));
    expect(g.op(makeContext({ concurrency: 2, busy: ['nemesis'] }))).not.toBe('pending');
    expect(g.op(makeContext({ concurrency: 2, busy: [1] }))).toBe('pending');
    expect(synchronize({ f: 'x' }).op(makeContext({ concurrency: 2, busy: ['nemesis'] }))).toBe('pending');
  });

  it('once started, a synchronized generator no longer waits for idle threads', () => {
    const h = simulate(synchronize(repeat({ f: 'r' }, 3)), { seed: 1, concurrency: 3 });
    expect(invokes(h).map((e) => e.time)).toEqual([0, 0, 0]);
  });
});

describe('cycle', () => {
  it('restarts a finite generator from its initial value', () => {
    expect(fs(simulate(cycle([{ f: 'a' }, { f: 'b' }], 3), { seed: 1, concurrency: 1 }))).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('without a count, cycles forever (bounded by steps)', () => {
    expect(fs(simulate(limit(5, cycle([{ f: 'a' }, { f: 'b' }])), { seed: 1, concurrency: 1 }))).toEqual(['a', 'b', 'a', 'b', 'a']);
  });

  it('restarts stateful combinators fresh (limit, timeLimit)', () => {
    const h = simulate(cycle(timeLimit(1, delay(0.4, repeat({ f: 'r' }))), 2), { seed: 1, concurrency: 1 });
    // 0, 0.4, 0.8, then a fresh time limit starting at the next op.
    expect(invokes(h).map((e) => e.time)).toEqual([0, 400 * MS, 800 * MS, 801 * MS, 1201 * MS, 1601 * MS]);
  });

  it('ends when a fresh copy emits nothing, instead of spinning', () => {
    expect(cycle([]).op(makeContext({ concurrency: 1 }))).toBeNull();
    expect(cycle({ f: 'a' }, 0).op(makeContext({ concurrency: 1 }))).toBeNull();
  });

  it('a nemesis schedule: cycle of sleep / start / sleep / stop', () => {
    const sched = nemesis(cycle([sleep(1), { f: 'start' }, sleep(1), { f: 'stop' }]));
    const h = simulate(timeLimit(4.5, clientsAndNemesis(delay(0.5, repeat({ f: 'r' })), sched)), { seed: 1, concurrency: 2 });
    const faults = invokes(h).filter((e) => e.process === 'nemesis');
    // Each fault op takes the default 1 ms latency on top of the sleeps.
    expect(faults.map((e) => [e.f, e.time])).toEqual([
      ['start', S],
      ['stop', 2 * S + MS],
      ['start', 3 * S + 2 * MS],
    ]);
  });
});

describe('any', () => {
  it('takes whichever generator is ready soonest', () => {
    const h = simulate(any(delay(1, repeat({ f: 'slow' }, 3)), delay(0.4, repeat({ f: 'fast' }, 5))), { seed: 1, concurrency: 4 });
    expect(invokes(h).map((e) => [e.f, e.time / MS])).toEqual([
      ['slow', 0],
      ['fast', 0],
      ['fast', 400],
      ['fast', 800],
      ['slow', 1000],
      ['fast', 1200],
      ['fast', 1600],
      ['slow', 2000],
    ]);
  });

  it('is exhausted only when every member is', () => {
    expect(fs(simulate(any({ f: 'a' }, [{ f: 'b' }, { f: 'c' }]), { seed: 1, concurrency: 1 }))).toEqual(['a', 'b', 'c']);
    expect(any().op(makeContext({ concurrency: 1 }))).toBeNull();
  });
});

describe('untilOk', () => {
  it('stops after the first ok', () => {
    let calls = 0;
    const h = simulate(untilOk(repeat({ f: 'r' })), {
      seed: 1,
      concurrency: 1,
      complete: () => ({ type: ++calls < 4 ? 'fail' : 'ok' }),
    });
    expect(invokes(h)).toHaveLength(4);
    expect(h.at(-1)?.type).toBe('ok');
  });

  it('ops already in flight when the ok arrives complete, but no new op is emitted', () => {
    // Three threads start at once; the first completion is ok, so exactly three ops.
    const h = simulate(untilOk(repeat({ f: 'r' })), {
      seed: 1,
      concurrency: 3,
      latencyNs: (_op, t) => (t === 1 ? MS : 5 * MS),
    });
    expect(invokes(h)).toHaveLength(3);
    expect(h.filter((e) => e.type === 'ok')).toHaveLength(3);
  });

  it('info and fail do not count; only its own ops count', () => {
    const outcomes = ['info', 'fail', 'ok'] as const;
    let i = 0;
    const h = simulate(
      any(clients(untilOk(repeat({ f: 'r' }))), nemesis(repeat({ f: 'kill' }, 3))),
      {
        seed: 1,
        concurrency: 1,
        latencyNs: (op) => (op.f === 'kill' ? 0 : MS),
        complete: (inv) => ({ type: inv.f === 'kill' ? 'ok' : (outcomes[i++] ?? 'ok') }),
      },
    );
    expect(invokes(h).filter((e) => e.f === 'r')).toHaveLength(3);
  });

  it('sleeps inside do not count as ok', () => {
    let n = 0;
    const h = simulate(untilOk(cycle([sleep(1), { f: 'r' }])), {
      seed: 1,
      concurrency: 1,
      complete: () => ({ type: ++n < 2 ? 'fail' : 'ok' }),
    });
    expect(fs(h)).toEqual(['r', 'r']);
  });
});
