/**
 * Session-guarantee checkers against generated histories. Valid histories come from a
 * model that keeps all four guarantees by construction: writes form one global order,
 * each replica has seen a growing prefix of it, sessions stick to a replica, and a replica
 * that takes a write has first caught up with the whole order. Violating histories are
 * such histories with one targeted corruption; the checker must name the two ops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionViolations, type Guarantee, type SessionViolation } from '../../src/checkers/session.js';
import type { Op } from '../../src/core/op.js';
import { h } from './history.js';

const KEYS = ['k0', 'k1'];
const REPLICAS = 3;

interface Step {
  kind: 'add' | 'read' | 'advance';
  session: number;
  key: string;
  replica: number;
  by: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom<Step['kind']>('add', 'read', 'read', 'advance'),
  session: fc.nat(4),
  key: fc.constantFrom(...KEYS),
  replica: fc.nat(REPLICAS - 1),
  by: fc.nat(3),
});

interface Sim {
  ops: Op[];
  /** Next free process number (a fresh session). */
  fresh: number;
}

/** Runs the steps against the prefix model; every op is sequential (invoke, then ok). */
function simulate(steps: ReadonlyArray<Step>, sticky: boolean): Sim {
  const b = h();
  const log: Array<{ key: string; element: string }> = [];
  const seen = Array.from({ length: REPLICAS }, () => 0);
  let n = 0;
  for (const s of steps) {
    // Sticky sessions always use their own replica; roaming ones go where the step says.
    const r = sticky ? s.session % REPLICAS : s.replica;
    const node = `n${r + 1}`;
    if (s.kind === 'advance') {
      seen[s.replica] = Math.min(log.length, seen[s.replica]! + s.by);
    } else if (s.kind === 'add') {
      const element = `e${n++}`;
      seen[r] = log.length + 1; // catch up, then append
      log.push({ key: s.key, element });
      b.op(s.session, 'add', { key: s.key, element, node }, 'ok', { key: s.key, element, node }, node);
    } else {
      const elements = log.slice(0, seen[r]).filter((w) => w.key === s.key).map((w) => w.element).sort();
      b.op(s.session, 'read', { key: s.key, node }, 'ok', { key: s.key, node, elements }, node);
    }
  }
  return { ops: b.ops, fresh: 100 };
}

const kinds = (vs: readonly SessionViolation[]): Set<Guarantee> => new Set(vs.map((v) => v.guarantee));
const isRead = (o: Op) => o.f === 'read' && o.type === 'ok';
const elementsOf = (o: Op) => (o.value as { elements: string[] }).elements;
const keyOf = (o: Op) => (o.value as { key: string }).key;

/** A copy of the history where completion `at` shows `elements` instead. */
function withReadResult(ops: readonly Op[], at: number, elements: string[]): Op[] {
  return ops.map((o, i) => (i === at ? { ...o, value: { ...(o.value as object), elements } } : o));
}

/** Appends a read by a brand-new session on `key` that shows exactly `elements`. */
function withFreshRead(ops: readonly Op[], key: string, elements: string[]): Op[] {
  const last = ops[ops.length - 1]?.time ?? 0;
  const v = { key, node: 'n9' };
  return [
    ...ops,
    { index: ops.length, type: 'invoke', process: 99, f: 'read', value: v, time: last + 1, node: 'n9' },
    { index: ops.length + 1, type: 'ok', process: 99, f: 'read', value: { ...v, elements }, time: last + 2, node: 'n9' },
  ];
}

/** Session ops (invocations and their completions) of one process, in order. */
const completions = (ops: readonly Op[], process: number) => ops.map((o, i) => ({ o, i })).filter(({ o }) => o.process === process && o.type === 'ok');

describe('session guarantees: generated histories', () => {
  it('sticky sessions on the prefix model keep all four guarantees', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        expect(sessionViolations(simulate(steps, true).ops)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a fresh reader seeing a full prefix of the write order violates nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.constantFrom(...KEYS), (steps, key) => {
        const { ops } = simulate(steps, true);
        const all = ops.filter((o) => o.f === 'add' && o.type === 'ok' && keyOf(o) === key).map((o) => (o.value as { element: string }).element);
        expect(sessionViolations(withFreshRead(ops, key, all))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('read-your-writes: dropping a session’s own earlier write from its read is caught with both ops', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), fc.nat(), (steps, pick) => {
        const { ops } = simulate(steps, true);
        // Candidates: (read completion, one of its session's earlier acknowledged adds in it).
        const cands: Array<{ at: number; element: string; addIndex: number }> = [];
        for (let p = 0; p < 5; p++) {
          const mine = completions(ops, p);
          mine.forEach(({ o, i }, j) => {
            if (!isRead(o)) return;
            for (const { o: w, i: wi } of mine.slice(0, j)) {
              if (w.f === 'add' && keyOf(w) === keyOf(o)) cands.push({ at: i, element: (w.value as { element: string }).element, addIndex: wi - 1 });
            }
          });
        }
        fc.pre(cands.length > 0);
        const c = cands[pick % cands.length]!;
        const bad = withReadResult(ops, c.at, elementsOf(ops[c.at]!).filter((e) => e !== c.element));
        const vs = sessionViolations(bad).filter((v) => v.guarantee === 'read-your-writes');
        expect(vs.length).toBeGreaterThan(0);
        expect(vs.some((v) => v.ops[0]['index'] === c.addIndex && v.ops[1]['index'] === c.at - 1)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('monotonic reads: a later read of the session missing what an earlier one showed is caught', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), fc.nat(), (steps, pick) => {
        const { ops } = simulate(steps, true);
        const cands: Array<{ at: number; element: string; firstRead: number }> = [];
        for (let p = 0; p < 5; p++) {
          const mine = completions(ops, p);
          const own = new Set(mine.filter(({ o }) => o.f === 'add').map(({ o }) => (o.value as { element: string }).element));
          mine.forEach(({ o, i }, j) => {
            if (!isRead(o)) return;
            for (const { o: r1, i: i1 } of mine.slice(0, j)) {
              if (!isRead(r1) || keyOf(r1) !== keyOf(o)) continue;
              // Not the session's own write (that would be read-your-writes instead).
              for (const e of elementsOf(r1)) if (!own.has(e)) cands.push({ at: i, element: e, firstRead: i1 - 1 });
            }
          });
        }
        fc.pre(cands.length > 0);
        const c = cands[pick % cands.length]!;
        const bad = withReadResult(ops, c.at, elementsOf(ops[c.at]!).filter((e) => e !== c.element));
        const vs = sessionViolations(bad);
        expect(kinds(vs).has('monotonic-reads')).toBe(true);
        expect(kinds(vs).has('read-your-writes')).toBe(false);
        const v = vs.find((x) => x.guarantee === 'monotonic-reads')!;
        expect(v.ops[1]['index']).toBe(c.at - 1);
        // The earlier op is a read of the session that showed the element.
        expect(((v.ops[0]['result'] as { elements: string[] }).elements)).toContain(v.element);
      }),
      { numRuns: 200 },
    );
  });

  it('monotonic writes: a reader seeing a session’s later write but not its earlier one is caught', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), fc.nat(), (steps, pick) => {
        const { ops } = simulate(steps, true);
        const cands: Array<{ key: string; w1: string; w1Index: number }> = [];
        for (let p = 0; p < 5; p++) {
          const adds = completions(ops, p).filter(({ o }) => o.f === 'add');
          adds.forEach(({ o, i }, j) => {
            if (adds.slice(j + 1).some(({ o: w2 }) => keyOf(w2) === keyOf(o))) cands.push({ key: keyOf(o), w1: (o.value as { element: string }).element, w1Index: i - 1 });
          });
        }
        fc.pre(cands.length > 0);
        const c = cands[pick % cands.length]!;
        const all = ops.filter((o) => o.f === 'add' && o.type === 'ok' && keyOf(o) === c.key).map((o) => (o.value as { element: string }).element);
        const vs = sessionViolations(withFreshRead(ops, c.key, all.filter((e) => e !== c.w1))).filter((v) => v.guarantee === 'monotonic-writes');
        expect(vs.map((v) => v.ops[0]['index'])).toContain(c.w1Index);
        expect(vs.every((v) => v.read !== undefined && (v.ops[1]['index'] as number) > (v.ops[0]['index'] as number))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('writes-follow-reads: a reader seeing a write but not what its writer had read is caught', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), fc.nat(), (steps, pick) => {
        const { ops } = simulate(steps, true);
        // (element e some session read, from another session, before that session added w on the key)
        const cands: Array<{ key: string; e: string; readIndex: number; wIndex: number }> = [];
        for (let p = 0; p < 5; p++) {
          const mine = completions(ops, p);
          const own = new Set(mine.filter(({ o }) => o.f === 'add').map(({ o }) => (o.value as { element: string }).element));
          mine.forEach(({ o: w, i: wi }, j) => {
            if (w.f !== 'add') return;
            for (const { o: r, i: ri } of mine.slice(0, j)) {
              if (!isRead(r) || keyOf(r) !== keyOf(w)) continue;
              for (const e of elementsOf(r)) if (!own.has(e)) cands.push({ key: keyOf(w), e, readIndex: ri - 1, wIndex: wi - 1 });
            }
          });
        }
        fc.pre(cands.length > 0);
        const c = cands[pick % cands.length]!;
        const all = ops.filter((o) => o.f === 'add' && o.type === 'ok' && keyOf(o) === c.key).map((o) => (o.value as { element: string }).element);
        const vs = sessionViolations(withFreshRead(ops, c.key, all.filter((e) => e !== c.e)));
        const wfr = vs.filter((v) => v.guarantee === 'writes-follow-reads');
        expect(wfr.length).toBeGreaterThan(0);
        expect(wfr.every((v) => v.ops[0]['f'] === 'read' && v.ops[1]['f'] === 'add' && v.element === c.e)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('roaming sessions on lagging replicas do violate read-your-writes or monotonic reads, sticky ones never', () => {
    // A concrete roaming case: write on n1, read on n2 which has not caught up.
    const steps = [
      { kind: 'add', session: 0, key: 'k0', replica: 0, by: 0 },
      { kind: 'read', session: 0, key: 'k0', replica: 1, by: 0 },
    ] as Array<Step>;
    expect(kinds(sessionViolations(simulate(steps, false).ops))).toEqual(new Set(['read-your-writes']));
    expect(sessionViolations(simulate(steps, true).ops)).toEqual([]);
  });
});
