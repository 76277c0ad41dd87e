import { describe, expect, it } from 'vitest';
import { SUBSCRIBERS, event, react } from '../../src/systems/saga/choreography.js';
import { initialLevels } from '../../src/domain/saga-order.js';

const order = { id: 's1', item: 'widget', qty: 2, customer: 'c1', amount: 20 };

describe('choreographed saga reactions', () => {
  it('runs forward: reserve, charge, ship, completed', () => {
    const r1 = react('inventory', event('OrderPlaced', order), initialLevels('inventory'));
    expect(r1.effect).toMatchObject({ kind: 'reserve', resource: 'widget', amount: 2 });
    expect(r1.emit.map((e) => e.type)).toEqual(['StockReserved']);
    const r2 = react('payments', r1.emit[0]!, initialLevels('payments'));
    expect(r2.effect).toMatchObject({ kind: 'charge', resource: 'c1', amount: 20 });
    const r3 = react('shipping', r2.emit[0]!, {});
    expect(r3.emit.map((e) => e.type)).toEqual(['Shipped']);
    expect(react('orders', r3.emit[0]!, {}).outcome).toBe('completed');
  });

  it('a refusal travels back as compensations to every service that acted', () => {
    const big = { ...order, qty: 3 };
    const refused = react('shipping', event('PaymentCharged', big), {});
    expect(refused.effect).toBeUndefined();
    expect(refused.emit.map((e) => [e.type, e.reason])).toEqual([['ShipRefused', 'oversize parcel']]);
    expect(SUBSCRIBERS.ShipRefused).toEqual(['payments', 'inventory', 'orders']);
    expect(react('payments', refused.emit[0]!, {}).effect).toMatchObject({ kind: 'refund', amount: 20 });
    expect(react('inventory', refused.emit[0]!, {}).effect).toMatchObject({ kind: 'release', amount: 3 });
    expect(react('orders', refused.emit[0]!, {}).outcome).toBe('rejected');
  });

  it('event ids are one per saga and type, so consumers can deduplicate', () => {
    expect(event('OrderPlaced', order).id).toBe('s1:OrderPlaced');
    expect(react('payments', event('StockReserved', { ...order, amount: 60 }), initialLevels('payments')).emit[0]!.type).toBe('PaymentDeclined');
  });
});
