/**
 * Register client for etcd through its v3 JSON gateway (grpc-gateway: keys and values are
 * base64 in JSON): read = POST /v3/kv/range, write = /v3/kv/put, cas = /v3/kv/txn comparing
 * the value. Values in the history are `[key, v]` like the register workload's; v is stored
 * as its JSON text.
 *
 * Reads are linearizable (quorum) by default; `serializable` reads answer from the member's
 * local state and may be stale — the option exists to show Faultline catches that.
 */
import { httpRequest, opDeadlines } from './http-transport.js';
import { failure, httpFailure, notSent, requestFailure, unknownOp } from './outcome.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import type { TestRuntime } from '../cluster/test-runtime.js';

export type EtcdReads = 'linearizable' | 'serializable';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

interface RangeBody {
  kvs?: { value?: string }[];
}
interface TxnBody {
  /** grpc-gateway leaves out false booleans: absent means the compare failed. */
  succeeded?: boolean;
}
interface ErrorBody {
  error?: string;
  message?: string;
}

/** Polls /health until the member sees a leader, or the deadline passes. */
async function waitForLeader(baseUrl: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await httpRequest(baseUrl, '/health', undefined, { timeoutMs: 1000, method: 'GET' }).catch(() => undefined);
    if (r?.status === 200 && (r.body as { health?: string } | null)?.health === 'true') return true;
    await new Promise((res) => setTimeout(res, 200));
  }
  return false;
}

export class EtcdClient implements Client {
  constructor(
    private readonly reads: EtcdReads = 'linearizable',
    private readonly baseUrl?: string,
  ) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    const a = test.cluster.address(node);
    return new EtcdClient(this.reads, `http://${a.host}:${a.port}`);
  }

  /** Waits until the cluster has elected a leader, so the first ops measure etcd, not its boot. */
  async setup(): Promise<void> {
    if (this.baseUrl && !(await waitForLeader(this.baseUrl, 30_000))) throw new Error(`etcd at ${this.baseUrl} has no leader after 30 s`);
  }

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (!this.baseUrl) throw new Error('client not opened');
    const [key, arg] = op.value as [string, unknown];
    let path: string;
    let body: Record<string, unknown>;
    switch (op.f) {
      case 'read':
        path = '/v3/kv/range';
        body = { key: b64(key), ...(this.reads === 'serializable' ? { serializable: true } : {}) };
        break;
      case 'write':
        path = '/v3/kv/put';
        body = { key: b64(key), value: b64(JSON.stringify(arg)) };
        break;
      case 'cas': {
        const [from, to] = arg as [unknown, unknown];
        path = '/v3/kv/txn';
        body = {
          compare: [{ key: b64(key), target: 'VALUE', result: 'EQUAL', value: b64(JSON.stringify(from)) }],
          success: [{ request_put: { key: b64(key), value: b64(JSON.stringify(to)) } }],
        };
        break;
      }
      default:
        return unknownOp(op);
    }
    try {
      if (signal.aborted) return notSent(op.value);
      const res = await httpRequest(this.baseUrl, path, body, opDeadlines(test.options.opTimeoutMs));
      if (res.status === 200) {
        if (op.f === 'read') {
          const raw = (res.body as RangeBody | null)?.kvs?.[0]?.value;
          return { type: 'ok', value: [key, raw === undefined ? null : (JSON.parse(unb64(raw)) as unknown)] };
        }
        if (op.f === 'cas' && (res.body as TxnBody | null)?.succeeded !== true) {
          // The compare failed: the txn ran and changed nothing.
          return failure('refused', op.value, 'cas mismatch');
        }
        return { type: 'ok', value: op.value };
      }
      const b = (res.body ?? {}) as ErrorBody;
      const error = `http ${res.status}: ${b.message ?? b.error ?? ''}`.trim();
      // A write that erred on the server (5xx: leader lost, request timed out) may still
      // commit later, so it stays indeterminate; a 4xx is a refusal before any proposal.
      return httpFailure(res.status, op.value, error, op.f === 'read');
    } catch (e) {
      return requestFailure(e, op.value, op.f === 'read');
    }
  }

  async teardown(): Promise<void> {}
  async close(): Promise<void> {}
}
