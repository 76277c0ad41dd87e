import { describe, expect, it } from 'vitest';
import { checkSet } from '../../src/checkers/set.js';
import { h } from './history.js';

describe('set checker', () => {
  it('valid: every acknowledged element in every final read; stable visibility measured', () => {
    const b = h()
      .op(0, 'add', 'a', 'ok', 'a', 'n1')
      .op(1, 'read', null, 'ok', [], 'n2') // stale: after a was acknowledged, but n2 lagged
      .op(1, 'read', null, 'ok', ['a'], 'n2')
      .fault('stop-partition')
      .op(0, 'read', null, 'ok', ['a'], 'n1')
      .op(1, 'read', null, 'ok', ['a'], 'n2');
    const r = checkSet(b.ops);
    expect(r.valid).toBe(true);
    expect(r.lostCount).toBe(0);
    expect(r.staleReads).toBe(1);
    expect((r.stableVisibilityMs as { max: number }).max).toBeGreaterThan(0);
  });

  it('lost: acknowledged but missing from a node final read, named with the node', () => {
    const b = h()
      .op(0, 'add', 'a', 'ok', 'a', 'n1')
      .op(1, 'add', 'b', 'ok', 'b', 'n2')
      .fault('stop-partition')
      .op(0, 'read', null, 'ok', ['a', 'b'], 'n1')
      .op(1, 'read', null, 'ok', ['b'], 'n2');
    const r = checkSet(b.ops);
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([expect.objectContaining({ element: 'a', missingOn: ['n2'] })]);
    expect((r.messages as string[])[0]).toMatch(/1 lost element\(s\): a \(missing on n2\)/);
    expect(r.lostAcknowledged).toBe(1);
    expect((r.messages as string[])[1]).toBe('1 of 2 acknowledged add(s) lost');
  });

  it('counts acknowledged adds lost apart from in-doubt adds a read showed and then lost', () => {
    const b = h()
      .op(0, 'add', 'a', 'ok', 'a', 'n1')
      .op(0, 'add', 'b', 'ok', 'b', 'n1')
      .op(2, 'add', 'c', 'info', 'c', 'n1')
      .op(1, 'read', null, 'ok', ['a', 'b', 'c'], 'n1')
      .fault('stop-partition')
      .op(1, 'read', null, 'ok', ['a'], 'n1');
    const r = checkSet(b.ops);
    expect(r.valid).toBe(false);
    expect(r.lostCount).toBe(2);
    expect(r.lostAcknowledged).toBe(1);
    expect(r.messages).toContain('1 of 2 acknowledged add(s) lost');
  });

  it('an in-doubt add that was seen must survive too; one never seen may be absent', () => {
    const b = h()
      .op(0, 'add', 'x', 'info', 'x', 'n1')
      .op(2, 'add', 'y', 'info', 'y', 'n1')
      .op(1, 'read', null, 'ok', ['x'], 'n2')
      .fault('stop-partition')
      .op(1, 'read', null, 'ok', [], 'n2');
    const r = checkSet(b.ops);
    expect(r.valid).toBe(false);
    expect((r.lost as Array<{ element: string }>).map((l) => l.element)).toEqual(['x']);
  });

  it('unexpected: an element nobody added, or whose add definitely failed', () => {
    const b = h()
      .op(0, 'add', 'f', 'fail', 'f', 'n1')
      .fault('stop-partition')
      .op(0, 'read', null, 'ok', ['f', 'ghost'], 'n1');
    const r = checkSet(b.ops);
    expect(r.valid).toBe(false);
    expect((r.unexpected as Array<{ element: string }>).map((u) => u.element).sort()).toEqual(['f', 'ghost']);
  });

  it('unknown when a node that served ops has no final read', () => {
    const b = h()
      .op(0, 'add', 'a', 'ok', 'a', 'n1')
      .op(1, 'read', null, 'ok', ['a'], 'n2')
      .fault('stop-partition')
      .op(0, 'read', null, 'ok', ['a'], 'n1');
    const r = checkSet(b.ops);
    expect(r.valid).toBe('unknown');
    expect(r.nodesWithoutFinalRead).toEqual(['n2']);
  });
});
