import { describe, expect, it } from 'vitest';
import { HybridClock } from '../../src/systems/gossip/hlc.js';
import type { GossipOp } from '../../src/systems/gossip/ops.js';
import { Store } from '../../src/systems/gossip/store.js';

const add = (origin: string, seq: number, element: string, deps?: Record<string, number>): GossipOp => ({
  origin,
  seq,
  ts: [seq, 0],
  kind: 'set-add',
  key: 's',
  element,
  ...(deps ? { deps } : {}),
});

describe('gossip store', () => {
  it('careful: buffers an op until its causal past arrives; the version vector stays exact', () => {
    const s = new Store(true);
    expect(s.offer(add('n1', 2, 'b'))).toEqual([]); // n1:1 missing
    expect(s.offer(add('n2', 1, 'c', { n1: 2 }))).toEqual([]); // depends on n1:2
    expect(s.readSet('s')).toEqual([]);
    const applied = s.offer(add('n1', 1, 'a'));
    expect(applied.map((o) => `${o.origin}:${o.seq}`)).toEqual(['n1:1', 'n1:2', 'n2:1']);
    expect(s.readSet('s')).toEqual(['a', 'b', 'c']);
    expect(s.vv).toEqual({ n1: 2, n2: 1 });
    expect(s.missingFor({ n1: 1 }).map((o) => `${o.origin}:${o.seq}`)).toEqual(['n1:2', 'n2:1']);
  });

  it('naive: applies whatever arrives, and drops a reused dot as a duplicate', () => {
    const s = new Store(false);
    s.offer(add('n1', 2, 'b'));
    expect(s.readSet('s')).toEqual(['b']);
    s.offer(add('n1', 2, 'other')); // a restarted node that forgot it used seq 2
    expect(s.readSet('s')).toEqual(['b']);
  });

  it('observed-remove set: a remove only cancels the adds it saw', () => {
    const s = new Store(true);
    s.offer(add('n1', 1, 'x'));
    s.offer({ origin: 'n2', seq: 1, ts: [1, 0], kind: 'set-remove', key: 's', element: 'x', removes: ['n1:1'], deps: { n1: 1 } });
    expect(s.readSet('s')).toEqual([]);
    s.offer(add('n3', 1, 'x')); // concurrent re-add survives
    expect(s.readSet('s')).toEqual(['x']);
  });

  it('PN-counter and LWW register', () => {
    const s = new Store(false);
    s.offer({ origin: 'n1', seq: 1, ts: [1, 0], kind: 'counter-add', key: 'c', delta: 5 });
    s.offer({ origin: 'n2', seq: 1, ts: [1, 0], kind: 'counter-add', key: 'c', delta: -2 });
    expect(s.readCounter('c')).toBe(3);
    s.offer({ origin: 'n1', seq: 2, ts: [200, 0], kind: 'register-write', key: 'r', value: 'late-clock' });
    s.offer({ origin: 'n2', seq: 2, ts: [100, 0], kind: 'register-write', key: 'r', value: 'written-after' });
    // Wall-clock LWW: the write with the bigger stamp wins whatever happened in real time.
    expect(s.readRegister('r')).toBe('late-clock');
  });

  it('hybrid clock: stamps keep increasing when the wall clock jumps back, and order after observed ones', () => {
    let wall = 1000;
    const c = new HybridClock(() => wall);
    const a = c.now();
    wall = 500; // clock fault: 0.5 s back
    const b = c.now();
    expect(b[0] > a[0] || (b[0] === a[0] && b[1] > a[1])).toBe(true);
    c.observe([60_000, 3]); // a peer 60 s ahead
    const d = c.now();
    expect(d).toEqual([60_000, 4]);
  });
});
