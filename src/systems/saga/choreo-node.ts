/**
 * A node of the choreographed saga: orders, inventory, payments or shipping, reacting to
 * events (see `choreography.ts`) delivered as POST /events.
 *
 * careful — transactional outbox and idempotent consumers. Handling an event is one
 * fsynced log line holding the effect *and* the events it causes; a delivery loop sends
 * every outbox event to each subscriber until acknowledged (surviving restarts, from the
 * log), and a consumer that sees an event id again acknowledges without reacting twice.
 * At-least-once delivery plus deduplication gives each reaction exactly once.
 *
 * naive — publish after commit. The effect is stored, then the resulting events are
 * posted straight to the subscribers, retried once on error and then forgotten; consumers
 * react to every delivery. A crash or partition between the effect and the publish loses
 * the rest of the saga (stock stays reserved, a charge is never refunded); a retry of a
 * delivery that did arrive makes its consumer react twice; the orders service keeps
 * statuses in memory.
 */
import { DurableLog, StoppingLog } from '../durable-log.js';
import { Peers, okBody, sleepMs } from '../twopc/peers.js';
import { BadRequest, definiteError, indefiniteError, ok, type JsonResult, type Logger, type Service } from '../twopc/service.js';
import type { SagaArgs } from './args.js';
import { SUBSCRIBERS, event, isSagaEvent, react, type SagaEvent } from './choreography.js';
import { SettleTimes } from './settle.js';
import { initialLevels, workMs, isOrder, levelDelta, nodeOf, type Effect, type Order, type Role } from '../../domain/saga-order.js';

type Status = 'running' | 'completed' | 'rejected';
type Rec =
  | { t: 'handled'; event: string; saga: string; effect?: Effect; emit: SagaEvent[]; outcome?: 'completed' | 'rejected' }
  | { t: 'delivered'; key: string };

function parseRec(x: unknown): Rec | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  if (r['t'] === 'handled' && typeof r['event'] === 'string' && typeof r['saga'] === 'string' && Array.isArray(r['emit'])) return r as unknown as Rec;
  if (r['t'] === 'delivered' && typeof r['key'] === 'string') return r as unknown as Rec;
  return undefined;
}

const CALL_TIMEOUT_MS = 1000;
const DELIVER_EVERY_MS = 100;
const ANSWER_WITHIN_MS = 2000;

export function createChoreoNode(role: Role, args: SagaArgs, log: Logger, fatal: (m: string) => void): Service {
  const careful = args.variant === 'careful';
  const names = args.nodes.map((n) => n.id);
  const peers = new Peers(args.nodes);
  const levels = initialLevels(role);
  const effects: Effect[] = [];
  const handled = new Set<string>();
  const status = new Map<string, Status>();
  const settle = new SettleTimes();
  /** careful: outbox entries not yet acknowledged, by `<event id>><role>`. */
  const outbox = new Map<string, { e: SagaEvent; to: Role }>();

  const apply = (r: Rec): void => {
    if (r.t === 'delivered') {
      outbox.delete(r.key);
      return;
    }
    handled.add(r.event);
    if (r.effect) {
      effects.push(r.effect);
      if (r.effect.kind !== 'ship') levels[r.effect.resource] = (levels[r.effect.resource] ?? 0) + levelDelta(r.effect.kind, r.effect.amount);
    }
    if (role === 'orders' && !status.has(r.saga)) status.set(r.saga, 'running');
    if (r.outcome) {
      status.set(r.saga, r.outcome);
      settle.end(r.saga);
    }
    if (careful) for (const e of r.emit) for (const to of SUBSCRIBERS[e.type]) outbox.set(`${e.id}>${to}`, { e, to });
  };

  const { log: wal, records, truncatedBytes } = DurableLog.open<Rec>(args.dataDir, `${role}-events.log`, parseRec);
  // The naive orders service keeps statuses in memory only: nothing to replay.
  if (careful || role !== 'orders') records.forEach(apply);
  log(`${role} (choreography, ${args.variant}): replayed ${records.length} records, outbox ${outbox.size}` + (truncatedBytes ? `, cut a torn line of ${truncatedBytes} bytes` : ''));

  const storage = new StoppingLog(wal, fatal);
  const persist = (r: Rec): boolean => {
    if (!storage.append(r)) return false;
    apply(r);
    return true;
  };

  /** naive: post each event to its subscribers, once more on error, then forget it. */
  async function publishOnce(emit: readonly SagaEvent[]): Promise<void> {
    await Promise.all(
      emit.flatMap((e) =>
        SUBSCRIBERS[e.type].map(async (to) => {
          const node = nodeOf(names, to);
          if (okBody(await peers.call(node, '/events', e, CALL_TIMEOUT_MS)) === undefined) await peers.call(node, '/events', e, CALL_TIMEOUT_MS);
        }),
      ),
    );
  }

  // careful: the outbox relay.
  let relaying = false;
  const timer = careful
    ? setInterval(() => {
        if (relaying || outbox.size === 0 || storage.broken) return;
        relaying = true;
        void Promise.all(
          [...outbox].slice(0, 64).map(async ([key, { e, to }]) => {
            if (okBody(await peers.call(nodeOf(names, to), '/events', e, CALL_TIMEOUT_MS)) !== undefined && outbox.has(key)) persist({ t: 'delivered', key });
          }),
        ).finally(() => (relaying = false));
      }, DELIVER_EVERY_MS)
    : undefined;

  function onEvent(e: SagaEvent): JsonResult {
    if (careful && handled.has(e.id)) return ok({ repeated: true });
    const r = react(role, e, levels);
    const rec: Rec = { t: 'handled', event: e.id, saga: e.order.id, emit: careful ? r.emit : [] };
    if (r.effect) rec.effect = r.effect;
    if (r.outcome) rec.outcome = r.outcome;
    if (careful || r.effect) {
      if (!persist(rec)) return definiteError(503, 'storage-failed');
    } else apply(rec);
    if (!careful && r.emit.length > 0) setImmediate(() => void publishOnce(r.emit));
    return ok();
  }

  async function placeOrder(o: Order): Promise<JsonResult> {
    if (!status.has(o.id)) {
      settle.begin(o.id);
      const placed = event('OrderPlaced', o);
      const rec: Rec = { t: 'handled', event: `${o.id}:Order`, saga: o.id, emit: [placed] };
      if (careful) {
        if (!persist(rec)) return definiteError(503, 'storage-failed');
      } else {
        apply(rec);
        await publishOnce([placed]);
      }
    }
    const deadline = Date.now() + ANSWER_WITHIN_MS;
    while (status.get(o.id) === 'running' && Date.now() < deadline) await sleepMs(25);
    const s = status.get(o.id);
    if (s === 'completed') return ok({ outcome: 'completed' });
    if (s === 'rejected') return definiteError(409, 'rejected');
    return indefiniteError(503, 'pending');
  }

  return {
    async handle(path, body) {
      if (storage.broken) return definiteError(503, 'storage-failed');
      if (path === '/events') {
        if (!isSagaEvent(body) || !isOrder(body.order)) throw new BadRequest('want a saga event');
        await sleepMs(workMs(role)); // then react synchronously (see step-service.ts)
        return onEvent(body);
      }
      if (path === '/order' && role === 'orders') {
        if (!isOrder(body)) throw new BadRequest('want {id, item, qty, customer, amount}');
        return placeOrder(body);
      }
      if (path === '/state') {
        const common = { node: args.id, role, outbox: outbox.size };
        if (role === 'orders') return ok({ ...common, sagas: Object.fromEntries(status), settle: settle.summary() });
        return ok({ ...common, levels, effects });
      }
      return undefined;
    },
    health: () => ({ id: args.id, role, style: 'choreography', variant: args.variant }),
    close() {
      if (timer) clearInterval(timer);
      peers.close();
      wal.close();
    },
  };
}
