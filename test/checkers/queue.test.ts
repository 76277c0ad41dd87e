import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQueue } from '../../src/checkers/queue.js';
import { collectViolations } from '../../src/report/violations.js';
import { h } from './history.js';
import { planArb, simulate } from './simulated-queue.js';

const values = (xs: unknown): unknown[] => (xs as Array<{ value: unknown }>).map((x) => x.value).sort();

describe('queue checker: one behaviour per history', () => {
  it('valid: every acknowledged value dequeued once, the final drain finds the rest, then nothing', () => {
    const b = h()
      .op(0, 'enqueue', 1, 'ok')
      .op(1, 'enqueue', 2, 'ok')
      .op(2, 'dequeue', null, 'ok', 1)
      .op(2, 'dequeue', null, 'fail', null)
      .fault('stop-partition')
      .op(0, 'drain', null, 'ok', [2])
      .op(0, 'drain', null, 'ok', []);
    const r = checkQueue(b.ops);
    expect(r.valid).toBe(true);
    expect(r).toMatchObject({ attempted: 2, acknowledged: 2, deliveries: 2, lostCount: 0, duplicatedCount: 0, drained: true });
    expect(r.summary).toBe('enqueued 2 (ok 2, info 0, fail 0); dequeued 2 distinct in 2 deliveries; lost 0, unexpected 0, duplicated 0 (at-least-once), recovered 0');
  });

  it('lost: an acknowledged enqueue never dequeued, named with its op', () => {
    const b = h().op(0, 'enqueue', 1, 'ok').op(0, 'enqueue', 2, 'ok').fault('stop-partition').op(1, 'drain', null, 'ok', [2]).op(1, 'drain', null, 'ok', []);
    const r = checkQueue(b.ops);
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([expect.objectContaining({ kind: 'lost', value: 1, ops: [expect.objectContaining({ index: 0, f: 'enqueue' })] })]);
    expect((r.messages as string[])[0]).toMatch(/^1 lost \(acknowledged, never dequeued\): 1$/);
  });

  it('lost is unknown, not invalid, when nobody saw the queue empty at the end', () => {
    const b = h().op(0, 'enqueue', 1, 'ok').fault('stop-partition').op(1, 'drain', null, 'fail', null);
    const r = checkQueue(b.ops);
    expect(r.valid).toBe('unknown');
    expect(r.drained).toBe(false);
    expect((r.messages as string[])[0]).toMatch(/never seen empty at the end/);
  });

  it('a dequeue that failed "empty" after the heal also shows the queue drained', () => {
    const b = h().op(0, 'enqueue', 1, 'ok').fault('stop-partition');
    b.invoke(1, 'dequeue', null).complete(1, 'fail', 'dequeue', null);
    b.ops[b.ops.length - 1]!.error = 'empty';
    const r = checkQueue(b.ops);
    expect(r.drained).toBe(true);
    expect(r.valid).toBe(false);
  });

  it('unexpected: a value never enqueued, or whose enqueue definitely failed', () => {
    const b = h().op(0, 'enqueue', 1, 'fail').op(1, 'dequeue', null, 'ok', 1).op(1, 'dequeue', null, 'ok', 99).fault('stop-partition').op(1, 'drain', null, 'ok', []);
    const r = checkQueue(b.ops);
    expect(r.valid).toBe(false);
    expect(values(r.unexpected)).toEqual([1, 99]);
    const failed = (r.unexpected as Array<{ value: number; enqueueFailed: boolean; ops: Array<{ index: number }> }>).find((u) => u.value === 1)!;
    expect(failed.enqueueFailed).toBe(true);
    expect(failed.ops.map((o) => o.index)).toEqual([0, 2]);
  });

  it('duplicated: counted and allowed under at-least-once, a violation under exactly-once', () => {
    const b = h().op(0, 'enqueue', 7, 'ok').op(1, 'dequeue', null, 'ok', 7).fault('stop-partition').op(1, 'drain', null, 'ok', [{ value: 7, redelivered: true }, 7]).op(1, 'drain', null, 'ok', []);
    const least = checkQueue(b.ops);
    expect(least.valid).toBe(true);
    expect(least.duplicated).toEqual([expect.objectContaining({ value: 7, count: 3, kind: 'duplicated (allowed: at-least-once)' })]);
    expect(least).toMatchObject({ duplicatedCount: 1, extraDeliveries: 2, maxCopies: 3 });
    const exactly = checkQueue(b.ops, { delivery: 'exactly-once' });
    expect(exactly.valid).toBe(false);
    expect((exactly.messages as string[])[0]).toBe('1 duplicated (2 extra deliveries; a violation under exactly-once): 7×3');
  });

  it('recovered: an enqueue of unknown outcome (or never completed) that did show up', () => {
    const b = h().op(0, 'enqueue', 1, 'info').op(1, 'enqueue', 2, 'info').invoke(2, 'enqueue', 3).fault('stop-partition').op(3, 'drain', null, 'ok', [1, 3]).op(3, 'drain', null, 'ok', []);
    const r = checkQueue(b.ops);
    expect(r.valid).toBe(true);
    expect(values(r.recovered)).toEqual([1, 3]);
    expect(r).toMatchObject({ recoveredCount: 2, indeterminate: 3 });
  });

  it('FIFO with one consumer: a value acknowledged first but delivered second is out of order', () => {
    const b = h().op(0, 'enqueue', 1, 'ok').op(0, 'enqueue', 2, 'ok').op(1, 'dequeue', null, 'ok', 2).op(1, 'dequeue', null, 'ok', 1).fault('stop-partition').op(1, 'drain', null, 'ok', []);
    expect(checkQueue(b.ops).valid).toBe(true); // order is judged only when asked
    const r = checkQueue(b.ops, { fifo: true });
    expect(r.valid).toBe(false);
    expect(r.outOfOrder).toEqual([expect.objectContaining({ value: 1, overtakenBy: 2 })]);
    expect((r.outOfOrder as Array<{ ops: Array<{ index: number }> }>)[0]!.ops.map((o) => o.index)).toEqual([0, 2, 4, 6]);
  });

  it('FIFO inside one drain: list order counts; redeliveries and concurrent enqueues are not judged', () => {
    const inDrain = h().op(0, 'enqueue', 1, 'ok').op(0, 'enqueue', 2, 'ok').fault('stop-partition').op(1, 'drain', null, 'ok', [2, 1]).op(1, 'drain', null, 'ok', []);
    expect(checkQueue(inDrain.ops, { fifo: true }).outOfOrderCount).toBe(1);
    const redelivered = h().op(0, 'enqueue', 1, 'ok').op(0, 'enqueue', 2, 'ok').op(1, 'dequeue', null, 'ok', 2).op(1, 'dequeue', null, 'ok', { value: 1, redelivered: true }).fault('x').op(1, 'drain', null, 'ok', []);
    expect(checkQueue(redelivered.ops, { fifo: true }).outOfOrderCount).toBe(0);
    // 2's enqueue began before 1's was acknowledged: either order is FIFO.
    const concurrent = h().invoke(0, 'enqueue', 1).invoke(2, 'enqueue', 2).complete(0, 'ok', 'enqueue', 1).complete(2, 'ok', 'enqueue', 2).op(1, 'dequeue', null, 'ok', 2).op(1, 'dequeue', null, 'ok', 1).fault('x').op(1, 'drain', null, 'ok', []);
    expect(checkQueue(concurrent.ops, { fifo: true }).outOfOrderCount).toBe(0);
  });

  it('dequeues and drains that did not complete ok received nothing', () => {
    const b = h().op(0, 'enqueue', 1, 'ok').op(1, 'dequeue', null, 'info', 1).op(1, 'drain', null, 'fail', [1]).fault('x').op(1, 'drain', null, 'ok', [1]).op(1, 'drain', null, 'ok', []);
    const r = checkQueue(b.ops);
    expect(r).toMatchObject({ valid: true, deliveries: 1, duplicatedCount: 0 });
  });

  it("violations follow the report's convention: rows with a kind, a message and the ops", () => {
    const b = h().op(0, 'enqueue', 1, 'ok').op(1, 'dequeue', null, 'ok', 5).fault('x').op(1, 'drain', null, 'ok', []);
    const { violations } = collectViolations(checkQueue(b.ops));
    expect(violations.map((v) => [v.kind, v.indices])).toEqual([
      ['lost', [0]],
      ['unexpected', [2]],
    ]);
  });
});

describe('queue checker against a simulated queue that misbehaves on purpose', () => {
  it('finds exactly the values the queue lost, duplicated and made up, and those that recovered', () => {
    fc.assert(
      fc.property(planArb(), fc.constantFrom<'one' | 'many'>('one', 'many'), (plan, consumers) => {
        const truth = simulate(plan, consumers);
        const r = checkQueue(truth.history, { fifo: consumers === 'one' });
        expect(values(r.lost)).toEqual([...truth.lost].sort());
        expect(values(r.duplicated)).toEqual([...truth.duplicated].sort());
        expect(values(r.unexpected)).toEqual([...truth.unexpected].sort());
        expect(values(r.recovered)).toEqual([...truth.recovered].sort());
        if (consumers === 'one') expect(values(r.outOfOrder)).toEqual([...truth.outOfOrder].sort());
        expect(r.valid).toBe(truth.lost.length === 0 && truth.unexpected.length === 0 && (consumers === 'many' || truth.outOfOrder.length === 0));
      }),
      { numRuns: 300 },
    );
  });

  it('a faithful queue is valid with any number of consumers, FIFO included, and exactly-once', () => {
    fc.assert(
      fc.property(planArb({ faults: false }), fc.constantFrom<'one' | 'many'>('one', 'many'), (plan, consumers) => {
        const r = checkQueue(simulate(plan, consumers).history, { fifo: true, delivery: 'exactly-once' });
        expect(r.messages).toEqual([]);
        expect(r.valid).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('with many consumers, every value reported out of order was overtaken for real', () => {
    fc.assert(
      fc.property(planArb(), (plan) => {
        const r = checkQueue(simulate(plan, 'many').history, { fifo: true });
        for (const v of values(r.outOfOrder)) expect(plan.faults.late.has(v as number)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
