import { describe, expect, it } from 'vitest';
import { checkCounter } from '../../src/checkers/counter.js';
import { h } from './history.js';

describe('counter checker', () => {
  it('valid: stale reads are counted, not fatal; final values exact', () => {
    const b = h()
      .op(0, 'add', 5, 'ok', 5, 'n1')
      .op(1, 'read', null, 'ok', 0, 'n2') // stale: 5 was acknowledged before
      .op(0, 'add', -2, 'ok', -2, 'n1')
      .fault('stop-partition')
      .op(0, 'read', null, 'ok', 3, 'n1')
      .op(1, 'read', null, 'ok', 3, 'n2');
    const r = checkCounter(b.ops);
    expect(r.valid).toBe(true);
    expect(r.staleReads).toBe(1);
    expect(r.finalValues).toEqual({ n1: 3, n2: 3 });
    // The same history judged by linearizable bounds: the stale read is a violation.
    const strict = checkCounter(b.ops, { strict: true });
    expect(strict.valid).toBe(false);
    expect((strict.messages as string[])[0]).toMatch(/1 read\(s\) outside linearizable bounds, e.g. index 2: 0 not in \[5, 5\]/);
  });

  it('a read no subset of possible adds explains is invalid', () => {
    const b = h().op(0, 'add', 2, 'ok', 2, 'n1').op(1, 'read', null, 'ok', 7, 'n2').fault('x').op(0, 'read', null, 'ok', 2, 'n1').op(1, 'read', null, 'ok', 2, 'n2');
    const r = checkCounter(b.ops);
    expect(r.valid).toBe(false);
    expect(r.impossibleCount).toBe(1);
  });

  it('final value: acknowledged sum plus any subset of in-doubt adds, nothing else', () => {
    const base = () => h().op(0, 'add', 4, 'ok', 4, 'n1').op(1, 'add', 3, 'info', 3, 'n1').op(2, 'add', 10, 'info', 10, 'n1').fault('heal');
    expect(checkCounter(base().op(0, 'read', null, 'ok', 14, 'n1').ops).valid).toBe(true); // 4 + 10
    expect(checkCounter(base().op(0, 'read', null, 'ok', 17, 'n1').ops).valid).toBe(true); // 4 + 3 + 10
    const bad = checkCounter(base().op(0, 'read', null, 'ok', 5, 'n1').ops);
    expect(bad.valid).toBe(false);
    expect((bad.messages as string[])[0]).toMatch(/final value on n1 is 5; acknowledged adds sum to 4 \(\+ any of 2 in-doubt add\(s\)\)/);
  });

  it('a lost acknowledged add shows as a wrong final value on that node', () => {
    const b = h().op(0, 'add', 1, 'ok', 1, 'n1').op(1, 'add', 1, 'ok', 1, 'n2').fault('heal').op(0, 'read', null, 'ok', 2, 'n1').op(1, 'read', null, 'ok', 1, 'n2');
    const r = checkCounter(b.ops);
    expect(r.valid).toBe(false);
    expect(r.wrongFinal).toEqual([expect.objectContaining({ node: 'n2', value: 1, expected: 2 })]);
  });
});
