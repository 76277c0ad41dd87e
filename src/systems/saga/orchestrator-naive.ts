/**
 * The naive orchestrator, as tutorials write it: the saga lives in the request handler's
 * local variables. Each step is called once and, if the call errors, once more (the
 * services key nothing, so a retry of a charge that did go through charges again). When a
 * step fails, the steps already done are compensated, each compensation fired once and
 * forgotten whether or not it arrived; a step whose call errored counts as not done, so it
 * is never compensated even if it happened. A crash forgets every saga in flight.
 */
import { Peers, anyBody, okBody } from '../twopc/peers.js';
import { BadRequest, definiteError, ok, type JsonResult, type Logger, type Service } from '../twopc/service.js';
import type { SagaArgs } from './args.js';
import { STEPS, isOrder, nodeOf, type Order, type StepDef } from '../../domain/saga-order.js';
import { SettleTimes } from './settle.js';

const CALL_TIMEOUT_MS = 1000;

export function createNaiveOrchestrator(args: SagaArgs, log: Logger): Service {
  const names = args.nodes.map((n) => n.id);
  const peers = new Peers(args.nodes);
  const status = new Map<string, string>();
  const settle = new SettleTimes();
  log('orders (naive): sagas in memory only');

  const bodyOf = (step: StepDef, o: Order) => ({ saga: o.id, resource: step.resource(o), amount: step.amount(o) });

  async function order(o: Order): Promise<JsonResult> {
    status.set(o.id, 'running');
    settle.begin(o.id);
    const done: StepDef[] = [];
    for (const step of STEPS) {
      const node = nodeOf(names, step.role);
      let r = await peers.call(node, step.doPath, bodyOf(step, o), CALL_TIMEOUT_MS);
      const refused = (x: typeof r) => x.kind === 'answer' && x.response.status === 409;
      if (okBody(r) === undefined && !refused(r)) r = await peers.call(node, step.doPath, bodyOf(step, o), CALL_TIMEOUT_MS);
      if (okBody(r) !== undefined) {
        done.push(step);
        continue;
      }
      for (const d of done.reverse()) if (d.undoPath) await peers.call(nodeOf(names, d.role), d.undoPath, bodyOf(d, o), CALL_TIMEOUT_MS);
      status.set(o.id, 'compensated');
      settle.end(o.id);
      const why = String(anyBody(r)?.['error'] ?? (r.kind === 'failed' ? r.message : 'error'));
      return definiteError(409, `rejected: ${step.name}: ${why}`);
    }
    status.set(o.id, 'completed');
    settle.end(o.id);
    return ok({ outcome: 'completed' });
  }

  return {
    async handle(path, body) {
      if (path === '/order') {
        if (!isOrder(body)) throw new BadRequest('want {id, item, qty, customer, amount}');
        return order(body);
      }
      if (path === '/state') return ok({ node: args.id, role: 'orders', sagas: Object.fromEntries(status), settle: settle.summary() });
      return undefined;
    },
    health: () => ({ id: args.id, role: 'orders', variant: 'naive' }),
    close: () => peers.close(),
  };
}
