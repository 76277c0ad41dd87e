/**
 * Client for the register workload against an HTTP JSON key-value service (the built-in
 * kv system, or anything with the same /read, /write, /cas endpoints).
 *
 * Values in the history are `[key, v]` tuples (Jepsen's "independent" convention):
 * read `[k, null]` → ok `[k, observed]`; write `[k, v]`; cas `[k, [from, to]]`.
 * Only an answer that proves the op did not happen is `fail`; everything else unclear
 * is `info`.
 */
import { httpRequest, opDeadlines } from './http-transport.js';
import { httpFailure, notSent, requestFailure, unknownOp } from './outcome.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import type { TestRuntime } from '../cluster/test-runtime.js';

interface KvBody {
  ok?: boolean;
  value?: unknown;
  error?: string;
  definite?: boolean;
}

export class RegisterHttpClient implements Client {
  constructor(private readonly baseUrl?: string) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    const a = test.cluster.address(node);
    return new RegisterHttpClient(`http://${a.host}:${a.port}`);
  }

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (!this.baseUrl) throw new Error('client not opened');
    const [key, arg] = op.value as [string, unknown];
    let path: string;
    let body: Record<string, unknown>;
    switch (op.f) {
      case 'read':
        path = '/read';
        body = { key };
        break;
      case 'write':
        path = '/write';
        body = { key, value: arg };
        break;
      case 'cas': {
        const [from, to] = arg as [unknown, unknown];
        path = '/cas';
        body = { key, from, to };
        break;
      }
      default:
        return unknownOp(op);
    }
    try {
      if (signal.aborted) return notSent(op.value);
      const res = await httpRequest(this.baseUrl, path, body, opDeadlines(test.options.opTimeoutMs));
      const b = (res.body ?? {}) as KvBody;
      if (res.status === 200 && b.ok === true) {
        return { type: 'ok', value: op.f === 'read' ? [key, b.value ?? null] : op.value };
      }
      // 409 (cas mismatch), 400 and 503-with-definite are the server's word that nothing happened.
      return httpFailure(res.status, op.value, b.error ?? `http ${res.status}`, op.f === 'read', b.definite === true);
    } catch (e) {
      return requestFailure(e, op.value, op.f === 'read');
    }
  }

  async teardown(): Promise<void> {}
  async close(): Promise<void> {}
}
