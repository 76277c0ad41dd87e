/**
 * Saga checker: after faults end and the system settles, every saga is either completed
 * everywhere or fully compensated, and nothing happened twice.
 *
 * From the services' final state (every effect they applied, keyed by saga id) each order
 * of the history must be one of:
 *   completed   — reserved, charged and shipped exactly once, nothing compensated;
 *   compensated — not shipped, and each of reserve/charge undone exactly as often as it
 *                 happened (at most once each), including "none of it happened".
 * Anything else is a partial saga (charged but neither shipped nor refunded, stock held
 * forever…). Also: no step or compensation applied twice; no compensation without its
 * step; a confirmed (ok) order completed, a rejected (fail) one compensated; stock and
 * balances never negative and equal to the initial levels plus the recorded effects; no
 * saga the orchestrator still calls running.
 *
 * Without the final state of inventory, payments and shipping nothing can be judged:
 * `unknown`.
 */
import { clientPairs } from '../core/history-reader.js';
import type { CompletedOp, Op } from '../core/op.js';
import { INITIAL_BALANCE, INITIAL_STOCK, isOrder, levelDelta, type Effect, type EffectKind, type Order, type Role } from '../domain/saga-order.js';
import type { Checker, CheckResult, Validity } from './checker.js';
import { violationReport, type Violation } from './atomicity-violations.js';

interface ServiceState {
  role: Role;
  levels?: Record<string, number>;
  effects?: Effect[];
  sagas?: Record<string, string>;
  /** Orders: time to settle since its last start. */
  settle?: Record<string, number>;
  /** Choreography: events not yet delivered. */
  outbox?: number;
}

const SERVICES: readonly Role[] = ['inventory', 'payments', 'shipping'];

export function checkSagas(history: readonly Op[]): CheckResult {
  const pairs = clientPairs(history);
  const orders = new Map<string, { order: Order; op: CompletedOp }>();
  for (const p of pairs) if (p.f === 'order' && isOrder(p.value)) orders.set(p.value.id, { order: p.value, op: p });
  const client = { ok: 0, fail: 0, info: 0 };
  for (const { op } of orders.values()) client[op.type]++;

  const finals = new Map<Role, ServiceState>();
  for (const p of pairs) {
    if (p.f !== 'final' || p.type !== 'ok' || typeof p.result !== 'object' || p.result === null) continue;
    const s = p.result as ServiceState;
    if (typeof s.role === 'string') finals.set(s.role, s);
  }
  const missing = SERVICES.filter((r) => !finals.has(r));
  const base = { orders: { ...client, total: orders.size } };
  if (missing.length > 0) {
    return { valid: 'unknown', reason: `no final state from ${missing.join(', ')}: sagas not judged`, ...base };
  }

  const v: Violation[] = [];
  const counts = new Map<string, Record<EffectKind, number>>();
  const zero = (): Record<EffectKind, number> => ({ reserve: 0, release: 0, charge: 0, refund: 0, ship: 0 });
  for (const role of SERVICES) {
    const s = finals.get(role)!;
    const initial = role === 'inventory' ? INITIAL_STOCK : INITIAL_BALANCE;
    const expected: Record<string, number> = {};
    for (const e of s.effects ?? []) {
      const c = counts.get(e.saga) ?? zero();
      c[e.kind]++;
      counts.set(e.saga, c);
      if (role !== 'shipping') expected[e.resource] = (expected[e.resource] ?? initial) + levelDelta(e.kind, e.amount);
    }
    for (const [res, level] of Object.entries(s.levels ?? {})) {
      if (level < 0) v.push({ kind: role === 'inventory' ? 'negative-stock' : 'negative-balance', message: `${role}: ${res} is ${level}` });
      if (level !== (expected[res] ?? initial)) v.push({ kind: 'level-mismatch', message: `${role}: ${res} is ${level} but its effects make ${expected[res] ?? initial}` });
    }
  }

  const outcome = { completed: 0, compensated: 0, partial: 0 };
  const describe = (id: string, c: Record<EffectKind, number>, op?: CompletedOp) =>
    `saga ${id}${op ? ` (order ${op.type}${op.error ? `: ${op.error}` : ''})` : ''}: ${(Object.keys(c) as EffectKind[]).filter((k) => c[k] > 0).map((k) => `${k}×${c[k]}`).join(' ') || 'no effects'}`;
  for (const [id, c] of counts) {
    if (!orders.has(id)) v.push({ kind: 'unknown-saga', message: `${describe(id, c)}: no client placed this order`, ids: [id] });
  }
  for (const [id, { op }] of orders) {
    const c = counts.get(id) ?? zero();
    const what = describe(id, c, op);
    for (const k of ['reserve', 'charge', 'ship'] as const) if (c[k] > 1) v.push({ kind: 'step-applied-twice', message: `${what}: ${k} applied ${c[k]} times`, ids: [id] });
    for (const k of ['release', 'refund'] as const) if (c[k] > 1) v.push({ kind: 'compensation-applied-twice', message: `${what}: ${k} applied ${c[k]} times`, ids: [id] });
    if (c.release > c.reserve) v.push({ kind: 'compensation-without-step', message: `${what}: released more than reserved`, ids: [id] });
    if (c.refund > c.charge) v.push({ kind: 'compensation-without-step', message: `${what}: refunded more than charged`, ids: [id] });
    const completed = c.reserve === 1 && c.charge === 1 && c.ship === 1 && c.release === 0 && c.refund === 0;
    const compensated = c.ship === 0 && c.reserve <= 1 && c.charge <= 1 && c.release === c.reserve && c.refund === c.charge;
    if (completed) outcome.completed++;
    else if (compensated) outcome.compensated++;
    else {
      outcome.partial++;
      v.push({ kind: 'partial-saga', message: `${what}: neither completed nor fully compensated`, ids: [id] });
    }
    if (op.type === 'ok' && !completed) v.push({ kind: 'confirmed-not-completed', message: `${what}: confirmed to the client but not completed`, ids: [id] });
    if (op.type === 'fail' && !compensated) v.push({ kind: 'rejected-with-effects', message: `${what}: rejected to the client but effects remain`, ids: [id] });
  }

  // Orchestrators say completed/compensated when done; choreography's orders service only
  // knows completed/rejected, and its services' outboxes tell whether delivery is done.
  const sagas = finals.get('orders')?.sagas ?? {};
  const unsettled = Object.entries(sagas).filter(([, st]) => st !== 'completed' && st !== 'compensated' && st !== 'rejected');
  for (const [role, s] of finals) {
    if ((s.outbox ?? 0) > 0) v.push({ kind: 'unsettled', message: `${role} still has ${s.outbox} undelivered event(s) after recovery` });
  }
  if (unsettled.length > 0) {
    v.push({ kind: 'unsettled', message: `the orders service still has ${unsettled.length} saga(s) in progress after recovery: ${unsettled.slice(0, 5).map(([id, st]) => `${id} ${st}`).join(', ')}`, ids: unsettled.map(([id]) => id) });
  }

  const settle = finals.get('orders')?.settle;
  return { valid: (v.length > 0 ? false : true) as Validity, ...violationReport(v), ...base, outcomes: outcome, ...(settle ? { settle } : {}) };
}

export const sagaChecker: Checker = {
  name: 'saga',
  async check(history) {
    return checkSagas(history);
  },
};
