/**
 * A ready-made client for HTTP JSON services, configured by a mapping instead of code:
 * for each operation, the request (method, path, body) built from the op's value, and how
 * to read the answer. Defaults follow the rule every Jepsen client must keep — only an
 * answer that proves the op did not happen is `fail`:
 *   2xx → ok; 4xx → fail (the service refused); 5xx → info; no connection → fail;
 *   timeout or a dropped connection → info; a read that did not succeed → fail (it changed
 *   nothing).
 */
import http from 'node:http';
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import { httpRequest, opDeadlines, type HttpResponse } from './http-transport.js';
import { httpFailure, notSent, requestFailure } from './outcome.js';

export type { HttpResponse };

export interface HttpOperation {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path with the op's value in it, e.g. `([key]) => `/keys/${key}``. */
  path: string | ((value: any) => string);
  /** JSON body; none for GET. */
  body?: (value: any) => unknown;
  /** The ok value to record from a 2xx answer (default: the op's own value). */
  value?: (response: HttpResponse, value: any) => unknown;
  /**
   * Overrides the default mapping for particular answers: return a result, or undefined
   * to fall back to the defaults (e.g. 409 → `{ type: 'fail', error: 'mismatch' }`).
   */
  result?: (response: HttpResponse, value: any) => Omit<ClientResult, 'value'> & { value?: unknown } | undefined;
  /** Reads change nothing: any failure of a read is recorded as fail (default: f === "read"). */
  readOnly?: boolean;
}

export interface HttpJsonClientConfig {
  /** Operations by `f`: what the generator emits. */
  operations: Record<string, HttpOperation>;
  /** Per-request timeout in ms (default: the run's --op-timeout less 100 ms). */
  timeoutMs?: number;
  /** Connect timeout in ms: failing to connect is a definite failure (default 1000). */
  connectTimeoutMs?: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

class HttpJsonClient implements Client {
  constructor(
    private readonly config: HttpJsonClientConfig,
    private readonly baseUrl?: string,
  ) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    const a = test.cluster.address(node);
    return new HttpJsonClient(this.config, `http://${a.host}:${a.port}`);
  }

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    const spec = this.config.operations[op.f];
    if (!spec) return { type: 'fail', value: op.value, error: `no HTTP mapping for operation "${op.f}"` };
    if (!this.baseUrl) throw new Error('client not opened');
    const readOnly = spec.readOnly ?? op.f === 'read';
    const path = typeof spec.path === 'function' ? spec.path(op.value) : spec.path;
    const method = spec.method ?? (spec.body ? 'POST' : 'GET');
    if (signal.aborted) return notSent(op.value);
    let res: HttpResponse;
    try {
      res = await httpRequest(this.baseUrl, path, spec.body?.(op.value), {
        ...opDeadlines(test.options.opTimeoutMs, this.config),
        agent,
        method,
      });
    } catch (e) {
      return requestFailure(e, op.value, readOnly);
    }
    const custom = spec.result?.(res, op.value);
    if (custom) return { value: op.value, ...custom };
    if (res.status >= 200 && res.status < 300) return { type: 'ok', value: spec.value ? spec.value(res, op.value) : op.value };
    const error = `http ${res.status}${typeof res.body === 'object' && res.body && 'error' in res.body ? `: ${String((res.body as { error: unknown }).error)}` : ''}`;
    return httpFailure(res.status, op.value, error, readOnly);
  }

  async teardown(): Promise<void> {}
  async close(): Promise<void> {}
}

export function httpJsonClient(config: HttpJsonClientConfig): Client {
  return new HttpJsonClient(config);
}
