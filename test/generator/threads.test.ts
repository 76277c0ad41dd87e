import { describe, it, expect } from 'vitest';
import {
  any,
  clients,
  clientsAndNemesis,
  eachThread,
  gen,
  limit,
  makeContext,
  nemesis,
  onThreads,
  repeat,
  restrict,
  simulate,
  sleep,
  threadOf,
  timeLimit,
  untilOk,
  type GenContext,
} from '../../src/core/generator/index.js';
import type { Op } from '../../src/core/op.js';
import { MS, S, invokes } from './helpers.js';

describe('thread routing', () => {
  it('bare templates at top level never go to the nemesis', () => {
    const h = simulate(limit(100, repeat({ f: 'r' })), { seed: 1, concurrency: 3 });
    expect(invokes(h).every((e) => typeof e.process === 'number')).toBe(true);
  });

  it('nemesis(...) sends ops to the nemesis thread only', () => {
    const h = simulate(nemesis(repeat({ f: 'kill' }, 3)), { seed: 1, concurrency: 3 });
    expect(invokes(h).map((e) => e.process)).toEqual(['nemesis', 'nemesis', 'nemesis']);
    // One at a time: the nemesis thread is single.
    expect(invokes(h).map((e) => e.time)).toEqual([0, MS, 2 * MS]);
  });

  it('clients(...) uses client threads only', () => {
    const h = simulate(clients(limit(30, repeat({ f: 'r' }))), { seed: 1, concurrency: 3 });
    expect(new Set(invokes(h).map((e) => e.process))).toEqual(new Set([0, 1, 2]));
  });

  it('onThreads restricts to matching threads and shows the inner generator a narrowed ctx', () => {
    const seen: GenContext[] = [];
    const g = onThreads(
      (t) => t === 1 || t === 'nemesis',
      limit(10, (c: GenContext) => {
        seen.push(c);
        return { f: 'r' };
      }),
    );
    const h = simulate(g, { seed: 1, concurrency: 3 });
    expect(new Set(invokes(h).map((e) => e.process))).toEqual(new Set([1, 'nemesis']));
    for (const c of seen) {
      expect(c.threads).toEqual([1, 'nemesis']);
      expect([...c.workers.keys()]).toEqual([1, 'nemesis']);
      expect(c.free.every((t) => t === 1 || t === 'nemesis')).toBe(true);
    }
  });

  it('nested onThreads intersect', () => {
    const g = onThreads((t) => t !== 0, onThreads((t) => t !== 2, repeat({ f: 'r' }, 5)));
    expect(new Set(invokes(simulate(g, { seed: 1, concurrency: 3 })).map((e) => e.process))).toEqual(new Set([1, 'nemesis']));
  });

  it('onThreads passes on only events of its own threads', () => {
    const got: Op[] = [];
    // Waits (pending) until it has heard four events, so it stays alive inside `any`.
    const spy = {
      op: () => (got.length >= 4 ? null : ('pending' as const)),
      update(_c: GenContext, e: Op) {
        got.push(e);
        return spy;
      },
    };
    const g = any(clients(repeat({ f: 'r' }, 4)), nemesis(repeat({ f: 'kill' }, 2)), nemesis(spy));
    const h = simulate(g, { seed: 1, concurrency: 2 });
    expect(invokes(h)).toHaveLength(6);
    expect(got.map((e) => [e.type, e.f])).toEqual([
      ['invoke', 'kill'],
      ['ok', 'kill'],
      ['invoke', 'kill'],
      ['ok', 'kill'],
    ]);
  });

  it('clientsAndNemesis runs both concurrently on their own threads', () => {
    const h = simulate(
      timeLimit(1, clientsAndNemesis(repeat({ f: 'r' }), nemesis([sleep(0.5), { f: 'start-partition' }]))),
      { seed: 1, concurrency: 2, latencyNs: 100 * MS },
    );
    const inv = invokes(h);
    expect(inv.filter((e) => e.f === 'r')).toHaveLength(20);
    expect(inv.filter((e) => e.f === 'start-partition').map((e) => [e.process, e.time])).toEqual([['nemesis', 500 * MS]]);
    expect(inv.filter((e) => e.f === 'r').every((e) => typeof e.process === 'number')).toBe(true);
  });

  it('threadOf maps stale client processes to their thread', () => {
    const workers = new Map<number | 'nemesis', number | 'nemesis'>([
      [0, 3],
      [1, 1],
      [2, 2],
      ['nemesis', 'nemesis'],
    ]);
    const c = makeContext({ concurrency: 3, workers });
    expect(threadOf(c, 3)).toBe(0);
    expect(threadOf(c, 0)).toBe(0); // the process before the info
    expect(threadOf(c, 7)).toBe(1);
    expect(threadOf(c, 'nemesis')).toBe('nemesis');
    // Still right inside a narrowed context that shows fewer threads.
    expect(threadOf(restrict(c, (t) => t === 2), 4)).toBe(1);
  });

  it('ops keep flowing after an info moves a thread to a new process', () => {
    let n = 0;
    const h = simulate(clients(repeat({ f: 'r' }, 6)), {
      seed: 1,
      concurrency: 2,
      complete: () => ({ type: n++ % 2 === 0 ? 'info' : 'ok' }),
    });
    const procs = invokes(h).map((e) => e.process);
    expect(procs.some((p) => typeof p === 'number' && p >= 2)).toBe(true);
    expect(procs).toHaveLength(6);
  });
});

describe('eachThread', () => {
  it('runs the whole generator once on every client thread', () => {
    const h = simulate(eachThread([{ f: 'a' }, { f: 'b' }]), { seed: 1, concurrency: 3 });
    const inv = invokes(h);
    expect(inv).toHaveLength(6);
    for (const p of [0, 1, 2]) {
      expect(inv.filter((e) => e.process === p).map((e) => e.f)).toEqual(['a', 'b']);
    }
  });

  it('each copy is independent: a limit counts per thread', () => {
    const h = simulate(eachThread(limit(2, repeat({ f: 'r' }))), { seed: 1, concurrency: 4 });
    expect(invokes(h)).toHaveLength(8);
  });

  it('includes the nemesis only when inside a scope that allows it', () => {
    const top = simulate(eachThread({ f: 'r' }), { seed: 1, concurrency: 2 });
    expect(invokes(top).map((e) => e.process)).toEqual([0, 1]);
    const all = simulate(
      onThreads(() => true, eachThread({ f: 'r' })),
      { seed: 1, concurrency: 2 },
    );
    expect(invokes(all).map((e) => e.process)).toEqual([0, 1, 'nemesis']);
  });

  it('routes completions to the right copy (untilOk per thread)', () => {
    // Thread 0's first op fails, so only thread 0 tries twice.
    const h = simulate(clients(eachThread(untilOk(repeat({ f: 'r' })))), {
      seed: 1,
      concurrency: 3,
      complete: (inv) => ({ type: inv.process === 0 && inv.time === 0 ? 'fail' : 'ok' }),
    });
    const inv = invokes(h);
    expect(inv.filter((e) => e.process === 0)).toHaveLength(2);
    expect(inv.filter((e) => e.process === 1)).toHaveLength(1);
    expect(inv.filter((e) => e.process === 2)).toHaveLength(1);
  });

  it('is pending while a thread is busy and its copy may still emit', () => {
    const g = eachThread([{ f: 'a' }, { f: 'b' }]);
    const c = makeContext({ concurrency: 1, busy: [0] });
    expect(g.op(c)).toBe('pending');
    expect(gen(eachThread({ f: 'a' })).op(makeContext({ concurrency: 0 }))).toBeNull();
  });

  it('with an info, the thread continues its own copy as the new process', () => {
    const h = simulate(eachThread([{ f: 'a' }, { f: 'b' }]), {
      seed: 1,
      concurrency: 2,
      complete: (inv) => ({ type: inv.f === 'a' && inv.process === 0 ? 'info' : 'ok' }),
    });
    expect(invokes(h).map((e) => [e.f, e.process])).toEqual([
      ['a', 0],
      ['a', 1],
      ['b', 2],
      ['b', 1],
    ]);
    expect(invokes(h).every((e) => e.time < S)).toBe(true);
  });
});
