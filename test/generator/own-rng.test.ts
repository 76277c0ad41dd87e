import { describe, expect, it } from 'vitest';
import { any, clients, nemesis, ownRng, rate, simulate, timeLimit } from '../../src/core/generator/index.js';
import { faults as faultPlan } from '../../src/nemesis/faults.js';
import { registerOps } from '../../src/workload-kit/register-ops.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** Fault ops a run would see, with client ops timed by `latencyMs` (how busy the system is). */
function faults(latencyMs: number, own: boolean): unknown[] {
  const schedule = faultPlan(['partition', 'kill', 'pause'], { nodes, interval: 1 }).generator;
  const g = timeLimit(20, any(clients(rate(50, registerOps())), nemesis(own ? ownRng(99, schedule) : schedule)));
  return simulate(g, { seed: 7, concurrency: 5, latencyNs: latencyMs * 1e6, steps: 50_000 })
    .filter((o) => o.process === 'nemesis' && o.type === 'invoke')
    .map((o) => [o.f, o.value]);
}

describe('ownRng', () => {
  it('keeps the fault schedule the same whatever the clients draw', () => {
    const fast = faults(1, true);
    expect(fast.length).toBeGreaterThan(10);
    expect(faults(37, true)).toEqual(fast);
  });

  it('(with one shared stream, client timing changes the schedule)', () => {
    expect(faults(37, false)).not.toEqual(faults(1, false));
  });
});
