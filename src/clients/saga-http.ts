/**
 * Client for the saga workloads. Orders go to the orders service (the first node), which
 * runs the saga; `final` asks one service directly for its state after the run.
 *
 * History values: order `{id, item, qty, customer, amount}` → ok (confirmed), fail
 * (rejected: definitely compensated or never started), info (unknown); final `"n2"` → ok
 * `{node, role, levels, effects}` or, for the orders node, `{node, role, sagas}`.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import { unknownOp } from './outcome.js';
import { httpOp } from './twopc-http.js';

export class SagaHttpClient implements Client {
  constructor(private readonly ordersUrl?: string) {}

  async open(test: TestRuntime): Promise<Client> {
    const a = test.cluster.address(test.cluster.nodes[0]!);
    return new SagaHttpClient(`http://${a.host}:${a.port}`);
  }

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (!this.ordersUrl) throw new Error('client not opened');
    const readOnly = (f: string) => f !== 'order';
    if (op.f === 'order') return httpOp(test, this.ordersUrl, '/order', op.value, op, signal, readOnly);
    if (op.f === 'final') {
      const a = test.cluster.address(String(op.value));
      return httpOp(test, `http://${a.host}:${a.port}`, '/state', {}, op, signal, readOnly);
    }
    return unknownOp(op);
  }

  async teardown(): Promise<void> {}
  async close(): Promise<void> {}
}
