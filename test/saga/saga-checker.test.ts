import { describe, expect, it } from 'vitest';
import { checkSagas } from '../../src/checkers/saga.js';
import { INITIAL_BALANCE, INITIAL_STOCK, levelDelta, type Effect } from '../../src/domain/saga-order.js';
import { HistoryBuilder } from '../twopc/history.js';

const s1 = { id: 's1', item: 'widget', qty: 2, customer: 'c1', amount: 20 };
const s2 = { id: 's2', item: 'gadget', qty: 1, customer: 'c2', amount: 10 };

const reserve = (o: typeof s1): Effect => ({ saga: o.id, kind: 'reserve', resource: o.item, amount: o.qty });
const release = (o: typeof s1): Effect => ({ saga: o.id, kind: 'release', resource: o.item, amount: o.qty });
const charge = (o: typeof s1): Effect => ({ saga: o.id, kind: 'charge', resource: o.customer, amount: o.amount });
const refund = (o: typeof s1): Effect => ({ saga: o.id, kind: 'refund', resource: o.customer, amount: o.amount });
const ship = (o: typeof s1): Effect => ({ saga: o.id, kind: 'ship', resource: o.item, amount: o.qty });

/** Final states whose levels agree with the effects. */
function finals(effects: Effect[], sagas: Record<string, string> = {}) {
  const levels = (initial: number, kinds: string[]) => {
    const out: Record<string, number> = {};
    for (const e of effects) if (kinds.includes(e.kind)) out[e.resource] = (out[e.resource] ?? initial) + levelDelta(e.kind, e.amount);
    return out;
  };
  const pick = (kinds: string[]) => effects.filter((e) => kinds.includes(e.kind));
  return [
    { node: 'n1', role: 'orders', sagas },
    { node: 'n2', role: 'inventory', levels: levels(INITIAL_STOCK, ['reserve', 'release']), effects: pick(['reserve', 'release']) },
    { node: 'n3', role: 'payments', levels: levels(INITIAL_BALANCE, ['charge', 'refund']), effects: pick(['charge', 'refund']) },
    { node: 'n4', role: 'shipping', levels: {}, effects: pick(['ship']) },
  ];
}

function history(orders: Array<[typeof s1, 'ok' | 'fail' | 'info']>, effects: Effect[], sagas?: Record<string, string>) {
  const h = new HistoryBuilder();
  orders.forEach(([o, type], i) => h.op(i, 'order', o, type));
  finals(effects, sagas).forEach((f, i) => h.op(10 + i, 'final', f.node, 'ok', f));
  return h.ops;
}

describe('saga checker', () => {
  it('accepts completed and compensated sagas', () => {
    const r = checkSagas(history([[s1, 'ok'], [s2, 'fail']], [reserve(s1), charge(s1), ship(s1), reserve(s2), charge(s2), refund(s2), release(s2)]));
    expect(r.valid).toBe(true);
    expect(r.outcomes).toEqual({ completed: 1, compensated: 1, partial: 0 });
  });

  it('accepts an info order either way, and a saga with no effects at all', () => {
    expect(checkSagas(history([[s1, 'info'], [s2, 'fail']], [reserve(s1), charge(s1), ship(s1)])).valid).toBe(true);
    expect(checkSagas(history([[s1, 'info']], [reserve(s1), release(s1)])).valid).toBe(true);
  });

  it('flags a partial saga: charged, neither shipped nor refunded', () => {
    const r = checkSagas(history([[s1, 'info']], [reserve(s1), release(s1), charge(s1)]));
    expect(r.valid).toBe(false);
    expect(r.violations).toEqual({ 'partial-saga': 1 });
    const e = (r.errors as Record<string, Array<{ message: string; ids: string[] }>>)['partial-saga']![0]!;
    expect(e.ids).toEqual(['s1']);
    expect(e.message).toMatch(/saga s1 .*charge×1/);
  });

  it('flags a double charge and a double refund', () => {
    const r = checkSagas(history([[s1, 'fail']], [reserve(s1), charge(s1), charge(s1), refund(s1), refund(s1), release(s1)]));
    expect(r.violations).toMatchObject({ 'step-applied-twice': 1, 'compensation-applied-twice': 1 });
  });

  it('flags a compensation without its step', () => {
    const r = checkSagas(history([[s1, 'fail']], [release(s1)]));
    expect(r.violations).toMatchObject({ 'compensation-without-step': 1 });
  });

  it('flags a confirmed order that did not complete and a rejected one with effects left', () => {
    const r = checkSagas(history([[s1, 'ok'], [s2, 'fail']], [reserve(s1), charge(s1), reserve(s2), charge(s2), ship(s2)]));
    expect(r.violations).toMatchObject({ 'confirmed-not-completed': 1, 'rejected-with-effects': 1 });
  });

  it('flags levels that disagree with the effects, negative levels and unsettled sagas', () => {
    const ops = history([[s1, 'ok']], [reserve(s1), charge(s1), ship(s1)], { s1: 'running' });
    const inv = ops.find((o) => o.f === 'final' && o.type === 'ok' && (o.value as { role: string }).role === 'inventory')!;
    (inv.value as { levels: Record<string, number> }).levels['widget'] = -1;
    const r = checkSagas(ops);
    expect(r.violations).toMatchObject({ 'level-mismatch': 1, 'negative-stock': 1, unsettled: 1 });
  });

  it('flags effects of a saga nobody ordered', () => {
    expect(checkSagas(history([], [reserve(s1), release(s1)])).violations).toEqual({ 'unknown-saga': 1 });
  });

  it('is unknown without the services\' final state', () => {
    const h = new HistoryBuilder().op(0, 'order', s1, 'ok').op(1, 'final', 'n2', 'fail', 'n2');
    expect(checkSagas(h.ops).valid).toBe('unknown');
  });
});
