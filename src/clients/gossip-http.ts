/**
 * Client for the gossip store's sets and counters.
 *
 * History values:
 *  - set: add `element` → ok; read `null` → ok `[elements…]` (sorted).
 *  - counter: add `delta` → ok; read `null` → ok `number`.
 *  - structured form (sessions): add `{key, element | delta, node?}`, read `{key, node?}`
 *    → ok `{key, node, elements | value}`; `node` sends the op to another node than the
 *    worker's own (a roaming session).
 * With `tokens`, the client keeps the careful store's session token per process (a process
 * is a session; after an `info` the worker starts a new one) and sends it with every op.
 * Only a definite answer or a refused connection is `fail`; anything unclear on a write is
 * `info`, and a failed read is always `fail` (it changed nothing).
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import { httpRequest, opDeadlines } from './http-transport.js';
import { httpFailure, notSent, requestFailure, unknownOp } from './outcome.js';

type GossipDataType = 'set' | 'counter';

interface GossipClientOptions {
  type: GossipDataType;
  /** Carry the session token from answer to request (careful store only honours it). */
  tokens?: boolean;
  /** The key for ops whose value names none. */
  key?: string;
}

type Token = Record<string, number>;

interface Body {
  ok?: boolean;
  value?: unknown;
  token?: Token;
  error?: string;
  definite?: boolean;
}

export class GossipHttpClient implements Client {
  private session: { process: number; token: Token } | undefined;

  constructor(
    private readonly opts: GossipClientOptions,
    private readonly node?: string,
  ) {}

  async open(_test: TestRuntime, node: string): Promise<Client> {
    return new GossipHttpClient(this.opts, node);
  }

  async setup(): Promise<void> {}

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (this.node === undefined) throw new Error('client not opened');
    const structured = typeof op.value === 'object' && op.value !== null && !Array.isArray(op.value);
    const v = (structured ? op.value : {}) as { key?: string; element?: string | number; delta?: number; node?: string };
    const key = v.key ?? this.opts.key ?? this.opts.type;
    const node = v.node ?? this.node;
    const isRead = op.f === 'read';
    let path: string;
    const body: Record<string, unknown> = { key };
    if (op.f === 'add' && this.opts.type === 'set') {
      path = '/set/add';
      body['element'] = structured ? v.element : op.value;
    } else if (op.f === 'add') {
      path = '/counter/add';
      body['delta'] = structured ? v.delta : op.value;
    } else if (isRead) {
      path = `/${this.opts.type}/read`;
    } else {
      return unknownOp(op);
    }
    if (this.opts.tokens) {
      // A new process is a new session: it starts knowing nothing.
      if (this.session?.process !== op.process) this.session = { process: op.process, token: {} };
      body['token'] = this.session.token;
    }
    const a = test.cluster.address(node);
    try {
      if (signal.aborted) return notSent(op.value);
      const res = await httpRequest(`http://${a.host}:${a.port}`, path, body, opDeadlines(test.options.opTimeoutMs));
      const b = (res.body ?? {}) as Body;
      if (res.status === 200 && b.ok === true) {
        if (this.session && b.token) this.session.token = maxToken(this.session.token, b.token);
        if (!isRead) return { type: 'ok', value: op.value };
        return { type: 'ok', value: structured ? { key, node, [this.opts.type === 'set' ? 'elements' : 'value']: b.value } : b.value };
      }
      return httpFailure(res.status, op.value, b.error ?? `http ${res.status}`, isRead, b.definite === true);
    } catch (e) {
      return requestFailure(e, op.value, isRead);
    }
  }

  async teardown(): Promise<void> {}
  async close(): Promise<void> {}
}

function maxToken(a: Token, b: Token): Token {
  const out: Token = { ...a };
  for (const [n, s] of Object.entries(b)) if ((out[n] ?? 0) < s) out[n] = s;
  return out;
}
