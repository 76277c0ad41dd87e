/**
 * Client for the bank-2pc workload. Transfers and consistent reads go to the coordinator
 * (the first node) whichever node the worker is bound to: in 2PC only the coordinator
 * starts transactions. `final` asks one participant directly for its committed state.
 *
 * History values: transfer `{id, from, to, amount}`; read `null` → ok `{balances}`;
 * final `"n2"` → ok `{node, balances, applied, prepared, inDoubt}`. Only a refused
 * connection or the server's definite word is `fail`; a transfer with no clear answer is
 * `info`; reads change nothing, so a failed read is always `fail`.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import { httpRequest, opDeadlines } from './http-transport.js';
import { httpFailure, notSent, requestFailure, unknownOp } from './outcome.js';

export class TwopcHttpClient implements Client {
  constructor(private readonly coordinatorUrl?: string) {}

  async open(test: TestRuntime): Promise<Client> {
    const a = test.cluster.address(test.cluster.nodes[0]!);
    return new TwopcHttpClient(`http://${a.host}:${a.port}`);
  }

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (!this.coordinatorUrl) throw new Error('client not opened');
    let url = this.coordinatorUrl;
    let path: string;
    let body: unknown = {};
    switch (op.f) {
      case 'transfer':
        path = '/transfer';
        body = op.value;
        break;
      case 'read':
        path = '/read';
        break;
      case 'final': {
        const a = test.cluster.address(String(op.value));
        url = `http://${a.host}:${a.port}`;
        path = '/state';
        break;
      }
      default:
        return unknownOp(op);
    }
    return httpOp(test, url, path, body, op, signal);
  }

  async teardown(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * One JSON request, classified: 200 ok → ok with the answer's fields (minus `ok`) for
 * reads or the input for writes; a definite error → fail; anything unclear → info, except
 * for ops that change nothing (`readOnly`), which always fail.
 */
export async function httpOp(
  test: TestRuntime,
  url: string,
  path: string,
  body: unknown,
  op: ClientOp,
  signal: AbortSignal,
  readOnly: (f: string) => boolean = (f) => f !== 'transfer',
): Promise<ClientResult> {
  if (signal.aborted) return notSent(op.value);
  try {
    const res = await httpRequest(url, path, body, opDeadlines(test.options.opTimeoutMs));
    const b = (res.body ?? {}) as Record<string, unknown>;
    if (res.status === 200 && b['ok'] === true) {
      if (!readOnly(op.f)) return { type: 'ok', value: op.value };
      const { ok: _ok, ...rest } = b;
      return { type: 'ok', value: rest };
    }
    const error = typeof b['error'] === 'string' ? b['error'] : `http ${res.status}`;
    return httpFailure(res.status, op.value, error, readOnly(op.f), b['definite'] === true);
  } catch (e) {
    return requestFailure(e, op.value, readOnly(op.f));
  }
}
