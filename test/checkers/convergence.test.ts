import { describe, expect, it } from 'vitest';
import { checkConvergence, counterConvergence, setConvergence } from '../../src/checkers/convergence.js';
import { h } from './history.js';

describe('convergence checker', () => {
  it('valid: replicas reach the same complete state; time after the heal per replica', () => {
    const b = h()
      .op(0, 'add', 'a', 'ok', 'a', 'n1')
      .fault('stop-partition')
      .wait(1)
      .op(1, 'read', null, 'ok', [], 'n2') // not there yet
      .op(0, 'read', null, 'ok', ['a'], 'n1')
      .wait(1)
      .op(1, 'read', null, 'ok', ['a'], 'n2');
    const r = checkConvergence(b.ops, setConvergence, { settleSeconds: 5 });
    expect(r.valid).toBe(true);
    const reps = r.replicas as Record<string, { secondsAfterHeal: number }>;
    expect(reps['n1']!.secondsAfterHeal).toBeCloseTo(1, 1);
    expect(reps['n2']!.secondsAfterHeal).toBeGreaterThan(reps['n1']!.secondsAfterHeal);
  });

  it('a replica that never reaches the common state is named with what it lacks', () => {
    const b = h().op(0, 'add', 'a', 'ok', 'a', 'n1').fault('heal').op(0, 'read', null, 'ok', ['a'], 'n1').op(1, 'read', null, 'ok', [], 'n2').op(2, 'read', null, 'ok', ['a'], 'n3');
    const r = checkConvergence(b.ops, setConvergence);
    expect(r.valid).toBe(false);
    expect((r.messages as string[])[0]).toMatch(/n2 did not converge: .* lacks 1 element\(s\) others have: a/);
  });

  it('no two replicas agree: none counts as converged', () => {
    const b = h().op(0, 'add', 1, 'ok', 1, 'n1').op(1, 'add', 1, 'ok', 1, 'n2').fault('heal').op(0, 'read', null, 'ok', 1, 'n1').op(1, 'read', null, 'ok', 2, 'n2').op(2, 'read', null, 'ok', 0, 'n3');
    const r = checkConvergence(b.ops, counterConvergence);
    expect(r.valid).toBe(false);
    expect(r.divergedReplicas).toBe(3);
  });

  it('identical replicas that all lack an acknowledged write are invalid', () => {
    const b = h().op(0, 'add', 'a', 'ok', 'a', 'n1').fault('heal').op(0, 'read', null, 'ok', [], 'n1').op(1, 'read', null, 'ok', [], 'n2');
    const r = checkConvergence(b.ops, setConvergence);
    expect(r.valid).toBe(false);
    expect(r.missing).toEqual(['element a']);
  });

  it('too slow: converged after the settle deadline', () => {
    const b = h().op(0, 'add', 1, 'ok', 1, 'n1').fault('heal').op(1, 'read', null, 'ok', 0, 'n2').wait(3).op(1, 'read', null, 'ok', 1, 'n2').op(0, 'read', null, 'ok', 1, 'n1');
    expect(checkConvergence(b.ops, counterConvergence, { settleSeconds: 10 }).valid).toBe(true);
    expect(checkConvergence(b.ops, counterConvergence, { settleSeconds: 2 }).valid).toBe(false);
  });

  it('counters: replicas agreeing on a wrong value are invalid', () => {
    const b = h().op(0, 'add', 2, 'ok', 2, 'n1').op(0, 'add', 3, 'ok', 3, 'n1').fault('heal').op(0, 'read', null, 'ok', 2, 'n1').op(1, 'read', null, 'ok', 2, 'n2');
    const r = checkConvergence(b.ops, counterConvergence);
    expect(r.valid).toBe(false);
    expect(r.missing).toEqual(['value 2, but acknowledged adds sum to 5']);
  });
});
