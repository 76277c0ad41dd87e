/**
 * A simulated queue that misbehaves on purpose, for the queue checker's property tests:
 * fast-check draws a run (who enqueues or dequeues, in what interleaving, with what
 * outcome) and faults (values to drop, to deliver twice, to deliver out of turn, phantom
 * values nobody enqueued); the simulation plays it against an in-memory FIFO, records the
 * history as the runner would, and remembers what it did wrong — the truth the checker
 * must find, no more and no less.
 *
 * Ops overlap: each step either invokes an op on an idle process or completes the one it
 * has in flight; an op takes effect when invoked. An enqueue completed `info` took effect
 * or not, as drawn. After the heal, one process drains the queue.
 */
import fc from 'fast-check';
import type { Op, OpType, ProcessId } from '../../src/core/op.js';

export interface Faults {
  /** Values dropped instead of queued (lost when their enqueue was acknowledged). */
  drop: ReadonlySet<number>;
  /** Values queued twice (the copy right behind the original, not flagged as redelivered). */
  duplicate: ReadonlySet<number>;
  /** Values that let the message behind them go first, once. */
  late: ReadonlySet<number>;
  /** Values in the queue that nobody enqueued. */
  phantom: readonly number[];
}

export interface Plan {
  processes: number;
  /** Each step: [process, action]; action 0 dequeues, 1–3 enqueue (queues tend to fill). */
  steps: readonly (readonly [number, number])[];
  /** The n-th enqueue's outcome: 0 ok, 1 info that took effect, 2 info that did not, 3 fail. */
  outcomes: readonly number[];
  faults: Faults;
}

export interface Truth {
  history: Op[];
  lost: number[];
  duplicated: number[];
  recovered: number[];
  unexpected: number[];
  /** Values delivered after one enqueued after them (by real time), as the checker defines it. */
  outOfOrder: number[];
}

export type Consumers = 'one' | 'many';

export function planArb(o: { faults?: boolean } = {}): fc.Arbitrary<Plan> {
  // Faults hit the first values, which every run of this length enqueues.
  const some = (max: number, lo: number, hi: number) => fc.uniqueArray(fc.integer({ min: lo, max: hi }), { maxLength: o.faults === false ? 0 : max });
  return fc
    .record({
      processes: fc.integer({ min: 2, max: 4 }),
      steps: fc.array(fc.tuple(fc.nat(7), fc.integer({ min: 0, max: 3 })), { minLength: 10, maxLength: 120 }),
      // Mostly acknowledged, so that drops are losses and late values can be judged.
      outcomes: fc.array(fc.constantFrom(0, 0, 0, 0, 1, 2, 3), { minLength: 1, maxLength: 60 }),
      drop: some(3, 1, 12),
      duplicate: some(3, 1, 12),
      late: some(4, 1, 12),
      phantom: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: some(2, 1000, 1010) }),
    })
    .map(({ processes, steps, outcomes, drop, duplicate, late, phantom }) => ({
      processes,
      steps,
      outcomes,
      faults: { drop: new Set(drop), duplicate: new Set(duplicate), late: new Set(late), phantom },
    }));
}

/** Plays `plan`; with one consumer only process 0 dequeues and the others enqueue. */
export function simulate(plan: Plan, consumers: Consumers = 'many'): Truth {
  const history: Op[] = [];
  let t = 0;
  const push = (type: OpType, process: ProcessId, f: string, value: unknown, error?: string): number => {
    t += 1_000_000;
    history.push({ index: history.length, type, process, f, value, time: t, ...(error ? { error } : {}) });
    return t;
  };
  const queue: { v: number; copy: boolean }[] = plan.faults.phantom.map((v) => ({ v, copy: false }));
  const inFlight = new Map<number, { f: string; type: 'ok' | 'info' | 'fail'; result: unknown; error?: string; enqueued?: number }>();
  const enq = new Map<number, { outcome: number; invokedAt: number; completedAt?: number }>();
  const delivered = new Set<number>();
  const lost: number[] = [];
  const duplicated: number[] = [];
  const outOfOrder = new Set<number>();
  const lateDone = new Set<number>();
  let next = 1;

  /** The next message to hand out; a late head lets the one behind it go first (once). */
  const take = (): { v: number; copy: boolean } | undefined => {
    const head = queue[0];
    if (head && !head.copy && plan.faults.late.has(head.v) && !lateDone.has(head.v) && queue.length > 1) {
      lateDone.add(head.v);
      const w = queue.splice(1, 1)[0]!;
      // Out of order exactly when the checker can tell: head acknowledged before w's
      // enqueue began, and w an original (first) delivery of an enqueued value.
      const a = enq.get(head.v);
      const b = enq.get(w.v);
      if (!w.copy && a?.outcome === 0 && b !== undefined && a.completedAt !== undefined && a.completedAt < b.invokedAt) outOfOrder.add(head.v);
      return w;
    }
    return queue.shift();
  };
  const deliver = (m: { v: number; copy: boolean }) => {
    if (m.copy) duplicated.push(m.v);
    delivered.add(m.v);
  };

  for (const [p, action] of plan.steps) {
    const process = p % plan.processes;
    const pending = inFlight.get(process);
    if (pending) {
      inFlight.delete(process);
      const at = push(pending.type, process, pending.f, pending.result, pending.error);
      if (pending.enqueued !== undefined) enq.get(pending.enqueued)!.completedAt = at;
      continue;
    }
    const dequeues = consumers === 'one' ? process === 0 : action === 0;
    if (dequeues) {
      push('invoke', process, 'dequeue', null);
      const m = take();
      if (m === undefined) inFlight.set(process, { f: 'dequeue', type: 'fail', result: null, error: 'empty' });
      else {
        deliver(m);
        inFlight.set(process, { f: 'dequeue', type: 'ok', result: m.v });
      }
      continue;
    }
    const v = next++;
    const outcome = plan.outcomes[(v - 1) % plan.outcomes.length]!;
    enq.set(v, { outcome, invokedAt: push('invoke', process, 'enqueue', v) });
    if (outcome === 0 || outcome === 1) {
      if (plan.faults.drop.has(v)) {
        if (outcome === 0) lost.push(v);
      } else {
        queue.push({ v, copy: false });
        if (plan.faults.duplicate.has(v)) queue.push({ v, copy: true });
      }
    }
    const type = outcome === 0 ? 'ok' : outcome === 3 ? 'fail' : 'info';
    inFlight.set(process, { f: 'enqueue', type, result: v, enqueued: v, ...(type === 'fail' ? { error: 'rejected' } : {}) });
  }
  for (const [process, pending] of inFlight) {
    const at = push(pending.type, process, pending.f, pending.result, pending.error);
    if (pending.enqueued !== undefined) enq.get(pending.enqueued)!.completedAt = at;
  }
  // The heal (the final phase starts after it), then one process drains the queue.
  push('invoke', 'nemesis', 'stop-partition', null);
  push('info', 'nemesis', 'stop-partition', null);
  push('invoke', 0, 'drain', null);
  const rest: number[] = [];
  for (let m = take(); m !== undefined; m = take()) {
    deliver(m);
    rest.push(m.v);
  }
  push('ok', 0, 'drain', rest);
  push('invoke', 0, 'drain', null);
  push('ok', 0, 'drain', []);

  return {
    history,
    lost,
    duplicated: [...new Set(duplicated)],
    recovered: [...delivered].filter((v) => enq.get(v)?.outcome === 1),
    unexpected: [...delivered].filter((v) => !enq.has(v) || enq.get(v)!.outcome === 3),
    outOfOrder: [...outOfOrder],
  };
}
