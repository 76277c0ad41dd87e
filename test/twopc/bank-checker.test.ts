import { describe, expect, it } from 'vitest';
import { checkBank } from '../../src/checkers/bank.js';
import { bankLayout } from '../../src/domain/bank.js';
import { HistoryBuilder } from './history.js';

// n1 coordinates; n2, n3 own one account each, starting at 10: total 20.
const layout = bankLayout(['n1', 'n2', 'n3'], 1, 10);
const t1 = { id: 't1', from: 'n2.a', to: 'n3.a', amount: 3 };
const t2 = { id: 't2', from: 'n3.a', to: 'n2.a', amount: 5 };

const final = (node: string, balance: number, applied: string[], prepared: string[] = []) => ({
  node,
  balances: { [`${node}.a`]: balance },
  applied,
  prepared,
});

/** t1 ok, t2 failed, a consistent read, and final states that agree. */
function validHistory(): HistoryBuilder {
  return new HistoryBuilder()
    .op(0, 'transfer', t1, 'ok')
    .op(1, 'transfer', t2, 'fail', t2, 'aborted: n3: vote-no')
    .op(2, 'read', null, 'ok', { balances: { 'n2.a': 7, 'n3.a': 13 } })
    .op(3, 'final', 'n2', 'ok', final('n2', 7, ['t1']))
    .op(4, 'final', 'n3', 'ok', final('n3', 13, ['t1']));
}

describe('bank checker', () => {
  it('accepts a conserved, atomic history', () => {
    const r = checkBank(validHistory().ops, layout);
    expect(r.valid).toBe(true);
    expect(r.transfers).toMatchObject({ ok: 1, fail: 1, info: 0, okFraction: 0.5 });
    expect((r.final as { total: number }).total).toBe(20);
  });

  it('an info transfer may be applied or not, but not half', () => {
    const applied = new HistoryBuilder()
      .op(0, 'transfer', t1, 'info')
      .op(3, 'final', 'n2', 'ok', final('n2', 7, ['t1']))
      .op(4, 'final', 'n3', 'ok', final('n3', 13, ['t1']));
    expect(checkBank(applied.ops, layout).valid).toBe(true);
    const absent = new HistoryBuilder()
      .op(0, 'transfer', t1, 'info')
      .op(3, 'final', 'n2', 'ok', final('n2', 10, []))
      .op(4, 'final', 'n3', 'ok', final('n3', 10, []));
    expect(checkBank(absent.ops, layout).valid).toBe(true);
  });

  it('flags a read whose total is off, naming the transfers in flight', () => {
    const h = new HistoryBuilder().invoke(0, 'transfer', t1).op(2, 'read', null, 'ok', { balances: { 'n2.a': 7, 'n3.a': 10 } }).complete(0, 'transfer', 'ok', t1);
    h.op(3, 'final', 'n2', 'ok', final('n2', 7, ['t1'])).op(4, 'final', 'n3', 'ok', final('n3', 13, ['t1']));
    const r = checkBank(h.ops, layout);
    expect(r.valid).toBe(false);
    expect(r.violations).toEqual({ 'read-total': 1 });
    const e = (r.errors as Record<string, Array<{ message: string; ids: string[] }>>)['read-total']![0]!;
    expect(e.message).toMatch(/sums to 17, not 20/);
    expect(e.ids).toEqual(['t1']);
  });

  it('flags negative balances in reads and final state', () => {
    const h = new HistoryBuilder()
      .op(0, 'transfer', { ...t1, amount: 12 }, 'ok')
      .op(2, 'read', null, 'ok', { balances: { 'n2.a': -2, 'n3.a': 22 } })
      .op(3, 'final', 'n2', 'ok', final('n2', -2, ['t1']))
      .op(4, 'final', 'n3', 'ok', final('n3', 22, ['t1']));
    const r = checkBank(h.ops, layout);
    expect(r.valid).toBe(false);
    expect(r.violations).toEqual({ 'negative-balance': 2 });
  });

  it('flags a transfer applied on one participant only, and the lost money', () => {
    const h = new HistoryBuilder()
      .op(0, 'transfer', t1, 'ok')
      .op(3, 'final', 'n2', 'ok', final('n2', 7, ['t1']))
      .op(4, 'final', 'n3', 'ok', final('n3', 10, []));
    const r = checkBank(h.ops, layout);
    expect(r.valid).toBe(false);
    expect(r.violations).toMatchObject({ 'partial-transfer': 1, 'final-total': 1 });
    const e = (r.errors as Record<string, Array<{ message: string }>>)['partial-transfer']![0]!;
    expect(e.message).toMatch(/t1 .*applied on n2 but not on n3/);
    // The terminal summary names the invariant and the transfer.
    expect(r.partitions).toContainEqual(expect.objectContaining({ key: 'partial-transfer', valid: false }));
  });

  it('flags an acknowledged transfer applied nowhere', () => {
    const h = new HistoryBuilder()
      .op(0, 'transfer', t1, 'ok')
      .op(3, 'final', 'n2', 'ok', final('n2', 10, []))
      .op(4, 'final', 'n3', 'ok', final('n3', 10, []));
    expect(checkBank(h.ops, layout).violations).toEqual({ 'lost-transfer': 1 });
  });

  it('flags a failed transfer that was applied', () => {
    const h = new HistoryBuilder()
      .op(0, 'transfer', t1, 'fail')
      .op(3, 'final', 'n2', 'ok', final('n2', 7, ['t1']))
      .op(4, 'final', 'n3', 'ok', final('n3', 13, ['t1']));
    expect(checkBank(h.ops, layout).violations).toEqual({ 'failed-transfer-applied': 1 });
  });

  it('flags in-doubt transactions left after recovery, double application and balances that disagree', () => {
    const h = new HistoryBuilder()
      .op(0, 'transfer', t1, 'ok')
      .op(1, 'transfer', t2, 'info')
      .op(3, 'final', 'n2', 'ok', final('n2', 4, ['t1', 't1'], ['t2']))
      .op(4, 'final', 'n3', 'ok', final('n3', 16, ['t1']));
    const r = checkBank(h.ops, layout);
    expect(r.violations).toMatchObject({ 'in-doubt': 1, 'applied-twice': 1, 'balance-mismatch': 2 });
  });

  it('is unknown without a final read from every participant', () => {
    const h = new HistoryBuilder().op(0, 'transfer', t1, 'ok').op(3, 'final', 'n2', 'ok', final('n2', 7, ['t1'])).op(4, 'final', 'n3', 'fail', 'n3');
    const r = checkBank(h.ops, layout);
    expect(r.valid).toBe('unknown');
    expect(r.reason).toMatch(/n3/);
  });
});
