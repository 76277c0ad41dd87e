import { describe, expect, it } from 'vitest';
import { clients, eachThread, limit, simulate } from '../../src/core/generator/index.js';
import { drainUntilEmpty, queueOps } from '../../src/workload-kit/queue-ops.js';

describe('queue workload generators', () => {
  it('enqueues carry 1, 2, 3… in order across threads, mixed with dequeues', () => {
    const ops = simulate(clients(limit(200, queueOps())), { seed: 7, concurrency: 4 }).filter((o) => o.type === 'invoke');
    const enq = ops.filter((o) => o.f === 'enqueue').map((o) => o.value);
    expect(enq).toEqual(Array.from({ length: enq.length }, (_, i) => i + 1));
    const dequeues = ops.filter((o) => o.f === 'dequeue').length;
    expect(dequeues).toBeGreaterThan(60);
    expect(enq.length).toBeGreaterThan(60);
  });

  it('each worker drains until two drains in a row come back empty, pausing after an empty or failed one', () => {
    // Worker 0 finds 3 values, then fails once, then finds nothing; worker 1 finds nothing at once.
    const answers = new Map<number, Array<{ type: 'ok' | 'fail'; value?: unknown }>>([
      [0, [{ type: 'ok', value: [1, 2] }, { type: 'ok', value: [3] }, { type: 'fail' }, { type: 'ok', value: [] }, { type: 'ok', value: [] }]],
      [1, [{ type: 'ok', value: [] }, { type: 'ok', value: [] }]],
    ]);
    const events = simulate(eachThread(drainUntilEmpty({ gapSeconds: 0.5 })), {
      seed: 1,
      concurrency: 2,
      includeSpecial: true,
      complete: (inv) => answers.get(inv.process as number)!.shift() ?? { type: 'ok', value: ['unexpected extra drain'] },
    });
    const of = (p: number) => events.filter((e) => e.process === p && e.type === 'invoke').map((e) => (e.f === 'sleep' ? `sleep ${String(e.value)}` : e.f));
    expect(of(0)).toEqual(['drain', 'drain', 'drain', 'sleep 0.5', 'drain', 'sleep 0.5', 'drain']);
    expect(of(1)).toEqual(['drain', 'sleep 0.5', 'drain']);
  });

  it('gives up after maxDrains when the queue never answers', () => {
    const events = simulate(eachThread(drainUntilEmpty({ maxDrains: 4, gapSeconds: 0.1 })), { seed: 1, concurrency: 1, complete: () => ({ type: 'fail', error: 'connection refused' }) });
    expect(events.filter((e) => e.type === 'invoke' && e.f === 'drain')).toHaveLength(4);
  });
});
