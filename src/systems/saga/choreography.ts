/**
 * The order saga as choreography: no orchestrator, each service reacts to the events of
 * the others. This file is the pure part — who listens to what and what each reaction
 * does — shared by both variants; delivery (outbox or fire-and-forget) is in
 * `choreo-node.ts`.
 *
 *   OrderPlaced ─► inventory: reserve ─► StockReserved ─► payments: charge ─► PaymentCharged ─► shipping: ship ─► Shipped ─► orders: completed
 *                              └─► StockRefused ─► orders: rejected      └─► PaymentDeclined ─► inventory: release; orders: rejected
 *                                                                                         ShipRefused ─► payments: refund; inventory: release; orders: rejected
 */
import { refusal, type Effect, type Order, type Role, type StepName } from '../../domain/saga-order.js';

type EventType = 'OrderPlaced' | 'StockReserved' | 'StockRefused' | 'PaymentCharged' | 'PaymentDeclined' | 'Shipped' | 'ShipRefused';

export interface SagaEvent {
  /** `<saga>:<type>`: one event of each type per saga, so the id doubles as dedup key. */
  id: string;
  type: EventType;
  order: Order;
  reason?: string;
}

export const SUBSCRIBERS: Record<EventType, readonly Role[]> = {
  OrderPlaced: ['inventory'],
  StockReserved: ['payments'],
  StockRefused: ['orders'],
  PaymentCharged: ['shipping'],
  PaymentDeclined: ['inventory', 'orders'],
  Shipped: ['orders'],
  ShipRefused: ['payments', 'inventory', 'orders'],
};

const EVENT_TYPES = Object.keys(SUBSCRIBERS) as EventType[];

export function event(type: EventType, order: Order, reason?: string): SagaEvent {
  return reason === undefined ? { id: `${order.id}:${type}`, type, order } : { id: `${order.id}:${type}`, type, order, reason };
}

/** What a service does on an event: an effect to apply, events to publish, a verdict for orders. */
interface Reaction {
  effect?: Effect;
  emit: SagaEvent[];
  outcome?: 'completed' | 'rejected';
}

/** How `role`, whose resource levels are `levels`, reacts to `e`. */
export function react(role: Role, e: SagaEvent, levels: Readonly<Record<string, number>>): Reaction {
  const o = e.order;
  const step = (name: StepName, resource: string, amount: number, ok: EventType, refused: EventType): Reaction => {
    const why = refusal(name, levels[resource], amount);
    if (why !== undefined) return { emit: [event(refused, o, why)] };
    return { effect: { saga: o.id, kind: name, resource, amount }, emit: [event(ok, o)] };
  };
  switch (`${role}/${e.type}`) {
    case 'inventory/OrderPlaced':
      return step('reserve', o.item, o.qty, 'StockReserved', 'StockRefused');
    case 'inventory/PaymentDeclined':
    case 'inventory/ShipRefused':
      return { effect: { saga: o.id, kind: 'release', resource: o.item, amount: o.qty }, emit: [] };
    case 'payments/StockReserved':
      return step('charge', o.customer, o.amount, 'PaymentCharged', 'PaymentDeclined');
    case 'payments/ShipRefused':
      return { effect: { saga: o.id, kind: 'refund', resource: o.customer, amount: o.amount }, emit: [] };
    case 'shipping/PaymentCharged':
      return step('ship', o.item, o.qty, 'Shipped', 'ShipRefused');
    case 'orders/Shipped':
      return { emit: [], outcome: 'completed' };
    case 'orders/StockRefused':
    case 'orders/PaymentDeclined':
    case 'orders/ShipRefused':
      return { emit: [], outcome: 'rejected' };
    default:
      return { emit: [] };
  }
}

export function isSagaEvent(x: unknown): x is SagaEvent {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return typeof e['id'] === 'string' && EVENT_TYPES.includes(e['type'] as EventType) && typeof e['order'] === 'object' && e['order'] !== null;
}
