/**
 * Property tests of the search (fast-check, fixed seeds so CI is reproducible):
 * (a) a history made by running random ops on the sequential model, each at a random
 *     point inside a random (overlapping) interval, is always linearizable;
 * (b) on small random histories with info and fail ops, the checker agrees with a
 *     brute-force enumeration of every order.
 * Covered: every model in the registry (the kv cell stands for the keyed kv), so every
 * reduction of the search (forced reads, symmetry, model lookahead) is exercised.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompletedOp, Op } from '../../src/core/op.js';
import { casRegister, checkLinearizable, counter, mutex, queue, register, searchLinearization, set, type Model } from '../../src/checkers/linearizability/index.js';
import { clientPairs } from '../../src/core/history-reader.js';
import { appendCell } from '../../src/checkers/linearizability/models/kv.js';

/** An op to run: function, input, and for reads the output a broken system might return. */
interface Call {
  f: string;
  input: unknown;
  /** Only for (b): an arbitrary output, which may or may not be the right one. */
  output: unknown;
}

interface Spec {
  model: Model;
  call: fc.Arbitrary<Call>;
  /** The output an op returns when it takes effect in `state` (default: reads return the
   * state, other ops echo their input). */
  observe?: (state: unknown, call: Call) => unknown;
}

/** More runs (and a fresh seed) for a long local soak: FAULTLINE_PROPERTY_RUNS=100000. */
const soak = process.env.FAULTLINE_PROPERTY_RUNS === undefined ? undefined : Number(process.env.FAULTLINE_PROPERTY_RUNS);
const runs = (n: number, seed: number): { numRuns: number; seed?: number } => (soak === undefined ? { numRuns: n, seed } : { numRuns: soak });

const small = fc.constantFrom<null | 0 | 1 | 2>(null, 0, 1, 2);
const specs: Record<string, Spec> = {
  register: {
    model: register as Model,
    call: fc.oneof(
      fc.record({ f: fc.constant('read'), input: fc.constant(null), output: small }),
      fc.record({ f: fc.constant('write'), input: small, output: fc.constant(null) }),
    ),
  },
  'cas-register': {
    model: casRegister as Model,
    call: fc.oneof(
      fc.record({ f: fc.constant('read'), input: fc.constant(null), output: small }),
      fc.record({ f: fc.constant('write'), input: small, output: fc.constant(null) }),
      fc.record({ f: fc.constant('cas'), input: fc.tuple(small, small), output: fc.constant(null) }),
    ),
  },
  kv: {
    model: appendCell as Model,
    call: fc.oneof(
      fc.record({ f: fc.constant('get'), input: fc.constant(null), output: fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'aa') }),
      fc.record({ f: fc.constant('put'), input: fc.constantFrom('', 'a', 'b'), output: fc.constant(null) }),
      fc.record({ f: fc.constant('append'), input: fc.constantFrom('a', 'b'), output: fc.constant(null) }),
    ),
  },
  counter: {
    model: counter as Model,
    call: fc.oneof(
      fc.record({ f: fc.constant('read'), input: fc.constant(null), output: fc.integer({ min: -2, max: 3 }) }),
      fc.record({ f: fc.constant('add'), input: fc.integer({ min: -1, max: 2 }), output: fc.constant(null) }),
    ),
  },
  set: {
    model: set as Model,
    call: fc.oneof(
      fc.record({ f: fc.constant('read'), input: fc.constant(null), output: fc.subarray([1, 2]) }),
      fc.record({ f: fc.constant('add'), input: fc.constantFrom(1, 2), output: fc.constant(null) }),
      fc.record({ f: fc.constant('remove'), input: fc.constantFrom(1, 2), output: fc.constant(null) }),
    ),
    // The state is the elements' sorted JSON; a read returns the elements.
    observe: (state, call) => (call.f === 'read' ? (state as string[]).map((x) => JSON.parse(x) as unknown) : call.input),
  },
  queue: {
    model: queue as Model,
    call: fc.oneof(
      fc.record({ f: fc.constant('enqueue'), input: fc.constantFrom(1, 2, 3), output: fc.constant(null) }),
      fc.record({ f: fc.constant('dequeue'), input: fc.constant(null), output: fc.constantFrom(null, 1, 2, 3) }),
    ),
    observe: (state, call) => (call.f === 'dequeue' ? ((state as string[]).length === 0 ? null : (JSON.parse((state as string[])[0]!) as unknown)) : call.input),
  },
  mutex: {
    model: mutex as Model,
    call: fc.record({ f: fc.constantFrom('acquire', 'release'), input: fc.constant(null), output: fc.constant(null) }),
  },
};

/** What happens to an op: completes ok, is indeterminate (info or never completes), fails. */
type Outcome = 'ok' | 'info' | 'open' | 'fail';
const outcome = fc.constantFrom<Outcome>('ok', 'ok', 'ok', 'ok', 'info', 'open', 'fail');

interface Planned {
  call: Call;
  outcome: Outcome;
  /** Invocation, linearization point and completion, in arbitrary units. */
  start: number;
  point: number;
  end: number;
}

const planned = (call: fc.Arbitrary<Call>): fc.Arbitrary<Planned> =>
  fc
    .record({ call, outcome, start: fc.integer({ min: 0, max: 100 }), len: fc.integer({ min: 0, max: 40 }), at: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ call, outcome, start, len, at }) => ({ call, outcome, start, end: start + len, point: start + at * len }));

/**
 * Runs the plan on the model in linearization-point order (a failed op never happens;
 * an indeterminate one happens or not as `outcome` says: info ops take effect, open ones
 * do not) and records each op as one process's invoke + completion, ordered by time.
 */
function sequentialHistory({ model, observe }: Spec, plan: readonly Planned[]): Op[] {
  const outputs = new Map<number, unknown>();
  let state = model.init();
  const byPoint = plan.map((p, i) => ({ p, i })).sort((a, b) => a.p.point - b.p.point || a.i - b.i);
  for (const { p, i } of byPoint) {
    if (p.outcome === 'fail' || p.outcome === 'open') continue;
    const r = model.step(state, p.call.f, p.call.input, undefined);
    if (!r.ok) {
      // A cas that does not apply: the system reports it as failed, it did not happen.
      outputs.set(i, 'did-not-apply');
      continue;
    }
    // Reads return the state they saw; other ops echo their input (unless told otherwise).
    outputs.set(i, observe ? observe(state, p.call) : model.readOnly?.(p.call.f) ? state : p.call.input);
    state = r.state;
  }
  const events: { t: number; kind: 0 | 1; i: number }[] = [];
  plan.forEach((p, i) => {
    events.push({ t: p.start, kind: 0, i });
    if (p.outcome !== 'open') events.push({ t: p.end, kind: 1, i });
  });
  // Completions at the same instant as an invocation go after it: intervals touching at a
  // point still overlap there, which is where their linearization points may sit.
  events.sort((a, b) => a.t - b.t || a.kind - b.kind || a.i - b.i);
  return events.map((e, index) => {
    const p = plan[e.i]!;
    const op: Op = { index, time: index, process: e.i, f: p.call.f, type: 'invoke', value: p.call.input };
    if (e.kind === 1) {
      const out = outputs.get(e.i);
      const failed = p.outcome === 'fail' || out === 'did-not-apply';
      op.type = failed ? 'fail' : p.outcome === 'info' ? 'info' : 'ok';
      op.value = op.type === 'ok' ? out : p.call.input;
    }
    return op;
  });
}

/**
 * Tries every order directly from the definition: the next op may be any remaining one
 * that no remaining ok op completed before it was invoked; done when no ok op remains.
 */
function bruteForce(model: Model, ops: readonly CompletedOp[]): boolean {
  const live = ops.filter((o) => o.type !== 'fail');
  const ret = (o: CompletedOp): number => (o.type === 'ok' && o.complete ? o.complete.index : Infinity);
  const go = (left: readonly CompletedOp[], state: unknown): boolean => {
    if (!left.some((o) => o.type === 'ok')) return true;
    return left.some((o, i) => {
      if (left.some((p) => ret(p) < o.invoke.index)) return false;
      const r = model.step(state, o.f, o.value, o.type === 'ok' ? o.result : undefined);
      return r.ok && go([...left.slice(0, i), ...left.slice(i + 1)], r.state);
    });
  };
  return go(live, model.init());
}

/** A random history over few processes: each step invokes or completes one process's op. */
function randomHistory(model: Model, steps: readonly { process: number; call: Call; outcome: Outcome }[]): Op[] {
  const ops: Op[] = [];
  const open = new Map<number, Call>();
  const done = new Set<number>();
  for (const s of steps) {
    if (done.has(s.process)) continue;
    const call = open.get(s.process);
    const base = { index: ops.length, time: ops.length, process: s.process };
    if (call === undefined) {
      ops.push({ ...base, type: 'invoke', f: s.call.f, value: s.call.input });
      open.set(s.process, s.call);
      continue;
    }
    open.delete(s.process);
    if (s.outcome === 'open') {
      done.add(s.process); // never completes: the process is stuck for good
      continue;
    }
    // An op with an output to check (reads, dequeues) reports one, right or wrong.
    const hasOutput = (model.readOnly?.(call.f) ?? false) || call.f === 'dequeue';
    const type = hasOutput && s.outcome === 'fail' ? 'ok' : s.outcome;
    ops.push({ ...base, type, f: call.f, value: hasOutput && type === 'ok' ? s.call.output : call.input });
  }
  return ops;
}

describe('property (a): sequential runs with overlapping intervals are linearizable', () => {
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(planned(spec.call), { minLength: 1, maxLength: 30 }), async (plan) => {
          const history = sequentialHistory(spec, plan);
          const r = await checkLinearizable(history, spec.model, { timeoutMs: 10_000 });
          expect(r.valid).toBe(true);
        }),
        runs(1000, 7),
      );
    });
  }
});

describe('property (b): small histories agree with brute force', () => {
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}`, async () => {
      let valid = 0;
      let invalid = 0;
      const step = fc.record({ process: fc.integer({ min: 0, max: 3 }), call: spec.call, outcome });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
          const history = randomHistory(spec.model, steps);
          const ops = clientPairs(history);
          fc.pre(ops.length <= 8);
          const want = bruteForce(spec.model, ops);
          const r = await checkLinearizable(history, spec.model);
          expect(r.valid).toBe(want);
          // The search alone too, given the indeterminate reads the checker drops first.
          expect(searchLinearization(spec.model, ops).valid).toBe(want);
          if (want) valid++;
          else invalid++;
        }),
        runs(1500, 11),
      );
      // The generator must exercise both verdicts to mean anything.
      expect(valid).toBeGreaterThan(200);
      expect(invalid).toBeGreaterThan(200);
    });
  }
});
