/**
 * The order saga as plain data shared by the services, the orchestrators, the workload and
 * the checker: which node plays which service, what each step does and how it is undone,
 * and the business rules that make some steps refuse (so compensations happen all the
 * time, not only under faults). It lives in domain/, below the checkers, so the saga
 * checker needs nothing of the systems it judges.
 *
 * Roles by position: n1 orders (the orchestrator), n2 inventory, n3 payments, n4 shipping;
 * further nodes are spares that only answer /health.
 */

export type Role = 'orders' | 'inventory' | 'payments' | 'shipping' | 'spare';
export const ROLES: readonly Role[] = ['orders', 'inventory', 'payments', 'shipping'];

export function roleOf(nodes: readonly string[], node: string): Role {
  const i = nodes.indexOf(node);
  return ROLES[i] ?? 'spare';
}

export function nodeOf(nodes: readonly string[], role: Role): string {
  const n = nodes[ROLES.indexOf(role)];
  if (n === undefined) throw new RangeError(`the saga system needs at least ${ROLES.length} nodes`);
  return n;
}

export interface Order {
  id: string;
  item: string;
  qty: number;
  customer: string;
  amount: number;
}

export const ITEMS = ['widget', 'gadget'];
export const CUSTOMERS = ['c1', 'c2', 'c3'];
/** Plenty, so refusals come from the rules below and not from running dry. */
export const INITIAL_STOCK = 10_000;
export const INITIAL_BALANCE = 100_000;
/** Payments decline a single charge above this ("over the card limit"). */
const CHARGE_LIMIT = 50;
/** Shipping refuses quantities of this size or more ("oversize parcel"). */
const SHIP_LIMIT = 3;

/** The effect kinds services record; compensations are the `undo` of a step. */
export type StepName = 'reserve' | 'charge' | 'ship';
export type EffectKind = StepName | 'release' | 'refund';

export interface StepDef {
  name: StepName;
  role: Role;
  doPath: string;
  /** Compensation endpoint; the last step needs none (nothing follows it that can fail). */
  undoPath?: string;
  undoKind?: EffectKind;
  resource: (o: Order) => string;
  amount: (o: Order) => number;
}

export const STEPS: readonly StepDef[] = [
  { name: 'reserve', role: 'inventory', doPath: '/reserve', undoPath: '/release', undoKind: 'release', resource: (o) => o.item, amount: (o) => o.qty },
  { name: 'charge', role: 'payments', doPath: '/charge', undoPath: '/refund', undoKind: 'refund', resource: (o) => o.customer, amount: (o) => o.amount },
  { name: 'ship', role: 'shipping', doPath: '/ship', resource: (o) => o.item, amount: (o) => o.qty },
];

/**
 * How long a service takes to carry out a step or compensation, as real ones do (payments
 * talks to a card processor, shipping books a carrier). It keeps sagas in flight long
 * enough for crashes and partitions to land in the middle of them, which is where sagas
 * break. Both variants pay it.
 */
export function workMs(role: Role): number {
  switch (role) {
    case 'payments':
      return 50 + Math.random() * 100;
    case 'shipping':
      return 20 + Math.random() * 40;
    case 'inventory':
      return 5 + Math.random() * 10;
    default:
      return 0;
  }
}

/** What a service's step does to its resource's level (stock, balance). */
export function levelDelta(kind: EffectKind, amount: number): number {
  switch (kind) {
    case 'reserve':
    case 'charge':
      return -amount;
    case 'release':
    case 'refund':
      return amount;
    case 'ship':
      return 0; // shipping consumes a reservation; stock was taken at reserve
  }
}

export function initialLevels(role: Role): Record<string, number> {
  if (role === 'inventory') return Object.fromEntries(ITEMS.map((i) => [i, INITIAL_STOCK]));
  if (role === 'payments') return Object.fromEntries(CUSTOMERS.map((c) => [c, INITIAL_BALANCE]));
  return {};
}

/** Why a service refuses a step, or undefined when it accepts. */
export function refusal(step: StepName, level: number | undefined, amount: number): string | undefined {
  switch (step) {
    case 'reserve':
      if (level === undefined) return 'unknown item';
      return level < amount ? 'out of stock' : undefined;
    case 'charge':
      if (level === undefined) return 'unknown customer';
      if (amount > CHARGE_LIMIT) return 'declined: over the card limit';
      return level < amount ? 'declined: insufficient funds' : undefined;
    case 'ship':
      return amount >= SHIP_LIMIT ? 'oversize parcel' : undefined;
  }
}

export function isOrder(x: unknown): x is Order {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o['id'] === 'string' && o['id'] !== '' && typeof o['item'] === 'string' && typeof o['customer'] === 'string' &&
    Number.isSafeInteger(o['qty']) && (o['qty'] as number) > 0 && Number.isSafeInteger(o['amount']) && (o['amount'] as number) > 0
  );
}

/** One effect a service applied, as it reports it in /state. */
export interface Effect {
  saga: string;
  kind: EffectKind;
  resource: string;
  amount: number;
}
