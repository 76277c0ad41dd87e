/**
 * The careful orchestrator: a saga log on disk and idempotent, saga-keyed calls.
 *
 * Every transition is fsynced before it is acted on: begin (the order), each step's
 * outcome, the decision to compensate, the end. A saga runs as a loop that retries each
 * call with the saga id as idempotency key until the service gives a definite answer; a
 * forward step that stays unanswered past a deadline is compensated instead (its
 * compensation either undoes it or leaves a tombstone that refuses it if it arrives late).
 * The last step (shipping) has no compensation, so it is retried until it answers: once
 * the saga may have shipped, the only way is forward. Compensations are retried until
 * acknowledged. After a restart the log is replayed and every unfinished saga resumes
 * where it was.
 *
 * The client hears ok when the saga completed, a definite failure once compensation is
 * decided and logged (it will be carried out), and "pending" (indeterminate) otherwise.
 */
import { Peers, anyBody, okBody, sleepMs } from '../twopc/peers.js';
import { DurableLog, StoppingLog } from '../durable-log.js';
import { BadRequest, definiteError, indefiniteError, ok, type JsonResult, type Logger, type Service } from '../twopc/service.js';
import type { SagaArgs } from './args.js';
import { STEPS, isOrder, nodeOf, type Order } from '../../domain/saga-order.js';
import { SettleTimes } from './settle.js';

type Rec =
  | { t: 'begin'; order: Order }
  | { t: 'step'; saga: string; step: number; outcome: 'done' | 'refused'; reason?: string }
  | { t: 'compensate'; saga: string; reason: string }
  | { t: 'end'; saga: string; outcome: 'completed' | 'compensated' };

function parseRec(x: unknown): Rec | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  if (r['t'] === 'begin') return isOrder(r['order']) ? (r as unknown as Rec) : undefined;
  if (typeof r['saga'] !== 'string') return undefined;
  if (r['t'] === 'step' || r['t'] === 'compensate' || r['t'] === 'end') return r as unknown as Rec;
  return undefined;
}

interface Saga {
  order: Order;
  /** Index of the next forward step; steps before it are done. */
  next: number;
  compensating: boolean;
  reason?: string;
  outcome?: 'completed' | 'compensated';
  task?: Promise<void>;
}

const CALL_TIMEOUT_MS = 1000;
const RETRY_PAUSE_MS = 200;
/** How long a forward step with a compensation may stay unanswered before we compensate. */
const STEP_DEADLINE_MS = 2500;
/** How long the client waits for the saga before hearing "pending". */
const ANSWER_WITHIN_MS = 2000;

export function createCarefulOrchestrator(args: SagaArgs, log: Logger, fatal: (m: string) => void): Service {
  const names = args.nodes.map((n) => n.id);
  const peers = new Peers(args.nodes);
  const sagas = new Map<string, Saga>();
  let closing = false;
  const settle = new SettleTimes();

  const { log: wal, records, truncatedBytes } = DurableLog.open<Rec>(args.dataDir, 'saga.log', parseRec);
  for (const r of records) {
    if (r.t === 'begin') sagas.set(r.order.id, { order: r.order, next: 0, compensating: false });
    else {
      const s = sagas.get(r.saga);
      if (s === undefined) continue;
      if (r.t === 'step' && r.outcome === 'done') s.next = r.step + 1;
      else if (r.t === 'compensate') {
        s.compensating = true;
        s.reason = r.reason;
      } else if (r.t === 'end') s.outcome = r.outcome;
    }
  }
  const unfinished = [...sagas.values()].filter((s) => s.outcome === undefined);
  log(`orders (careful): replayed ${records.length} records, ${sagas.size} sagas, resuming ${unfinished.length}` + (truncatedBytes ? `, cut a torn line of ${truncatedBytes} bytes` : ''));

  const storage = new StoppingLog(wal, fatal);
  const persist = (r: Rec): void => {
    if (!storage.append(r)) throw new Error('storage failed');
  };

  type Answer = { kind: 'ok' } | { kind: 'refused'; reason: string } | { kind: 'unknown' };
  async function call(node: string, path: string, body: unknown): Promise<Answer> {
    const o = await peers.call(node, path, body, CALL_TIMEOUT_MS);
    if (okBody(o) !== undefined) return { kind: 'ok' };
    const b = anyBody(o);
    if (o.kind === 'answer' && o.response.status === 409 && b?.['definite'] === true) return { kind: 'refused', reason: String(b['error']) };
    return { kind: 'unknown' };
  }

  async function forward(s: Saga): Promise<void> {
    while (!s.compensating && s.next < STEPS.length && !closing) {
      const i = s.next;
      const step = STEPS[i]!;
      const node = nodeOf(names, step.role);
      const body = { saga: s.order.id, resource: step.resource(s.order), amount: step.amount(s.order) };
      const started = Date.now();
      for (;;) {
        if (closing) return;
        const a = await call(node, step.doPath, body);
        if (a.kind === 'ok') {
          persist({ t: 'step', saga: s.order.id, step: i, outcome: 'done' });
          s.next = i + 1;
          break;
        }
        if (a.kind === 'refused') {
          persist({ t: 'step', saga: s.order.id, step: i, outcome: 'refused', reason: a.reason });
          decideCompensation(s, `${step.name}: ${a.reason}`);
          break;
        }
        // Unknown outcome. Compensable steps give up after a deadline; the last step cannot.
        if (step.undoPath !== undefined && Date.now() - started > STEP_DEADLINE_MS) {
          decideCompensation(s, `${step.name}: no answer from ${node}`);
          break;
        }
        await sleepMs(RETRY_PAUSE_MS);
      }
    }
    if (!s.compensating && s.next >= STEPS.length && s.outcome === undefined) {
      persist({ t: 'end', saga: s.order.id, outcome: 'completed' });
      s.outcome = 'completed';
    }
  }

  function decideCompensation(s: Saga, reason: string): void {
    persist({ t: 'compensate', saga: s.order.id, reason });
    s.compensating = true;
    s.reason = reason;
  }

  async function compensate(s: Saga): Promise<void> {
    // Undo every step that may have happened, the one in doubt included, newest first.
    for (let i = Math.min(s.next, STEPS.length - 1); i >= 0; i--) {
      const step = STEPS[i]!;
      if (step.undoPath === undefined) continue;
      const node = nodeOf(names, step.role);
      const body = { saga: s.order.id, resource: step.resource(s.order), amount: step.amount(s.order) };
      while (!closing) {
        if ((await call(node, step.undoPath, body)).kind === 'ok') break;
        await sleepMs(RETRY_PAUSE_MS);
      }
    }
    if (closing) return;
    persist({ t: 'end', saga: s.order.id, outcome: 'compensated' });
    s.outcome = 'compensated';
  }

  function start(s: Saga): Promise<void> {
    settle.begin(s.order.id);
    s.task ??= (async () => {
      await forward(s);
      if (s.compensating && s.outcome === undefined) await compensate(s);
      if (s.outcome !== undefined) settle.end(s.order.id);
    })().catch((e: unknown) => log(`saga ${s.order.id} stopped: ${e instanceof Error ? e.message : String(e)}`));
    return s.task;
  }
  unfinished.forEach(start);

  async function order(o: Order): Promise<JsonResult> {
    let s = sagas.get(o.id);
    if (s === undefined) {
      persist({ t: 'begin', order: o });
      s = { order: o, next: 0, compensating: false };
      sagas.set(o.id, s);
    }
    await Promise.race([start(s), sleepMs(ANSWER_WITHIN_MS)]);
    if (s.outcome === 'completed') return ok({ outcome: 'completed' });
    if (s.compensating) return definiteError(409, `rejected: ${s.reason ?? ''}`);
    return indefiniteError(503, `pending at step ${STEPS[s.next]?.name ?? '?'}`);
  }

  const statusOf = (s: Saga) => s.outcome ?? (s.compensating ? 'compensating' : 'running');

  return {
    async handle(path, body) {
      if (path === '/order') {
        if (!isOrder(body)) throw new BadRequest('want {id, item, qty, customer, amount}');
        if (storage.broken) return definiteError(503, 'storage-failed');
        return order(body);
      }
      if (path === '/state') return ok({ node: args.id, role: 'orders', sagas: Object.fromEntries([...sagas].map(([id, s]) => [id, statusOf(s)])), settle: settle.summary() });
      return undefined;
    },
    health: () => ({ id: args.id, role: 'orders', variant: 'careful' }),
    close() {
      closing = true;
      peers.close();
      wal.close();
    },
  };
}
