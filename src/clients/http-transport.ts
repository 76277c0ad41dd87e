/**
 * The HTTP transport of the harness: one JSON request to a node, for every client that
 * speaks HTTP (the built-in kv, gossip, 2PC and saga services, etcd's JSON gateway, user
 * services through http-json), the readiness probes, and the built-in services' calls to
 * their peers.
 *
 * The one thing it does beyond `fetch` is tell *how* a request failed, because that decides
 * whether the harness may record `fail` or must record `info`:
 *  - `connect`: no TCP connection was ever established (refused, unreachable, connect
 *    timeout, DNS failure). The server cannot have seen the request → definitely not applied.
 *  - `timeout`: the request was (at least partly) sent and no complete answer arrived in time.
 *  - `reset`: the connection broke after the request was handed to it (RST, EPIPE, early EOF).
 *  - `bad-response`: an answer arrived but was not JSON; the server did *something*.
 * Only `connect` is definite; everything else may or may not have taken effect (the
 * outcome rules for all clients are in outcome.ts).
 *
 * Classification is by connection state, not by errno alone: an error that happens while the
 * socket is still connecting is a connect failure whatever its code, and any error on a
 * connected socket (including a reused keep-alive one) is indeterminate.
 */
import http from 'node:http';

export type TransportErrorCode = 'connect' | 'timeout' | 'reset' | 'bad-response';

export class HttpRequestError extends Error {
  readonly code: TransportErrorCode;
  /** The underlying errno-style code (ECONNREFUSED, ECONNRESET, ...) when there was one. */
  readonly sysCode: string | undefined;

  constructor(code: TransportErrorCode, message: string, sysCode?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HttpRequestError';
    this.code = code;
    this.sysCode = sysCode;
  }
}

export interface HttpResponse {
  status: number;
  /** Parsed JSON body (null for an empty body). */
  body: unknown;
}

interface HttpRequestOptions {
  /** Overall deadline for the whole exchange, connect included. */
  timeoutMs: number;
  /**
   * Deadline for establishing the TCP connection; defaults to `timeoutMs`. A shorter value
   * lets callers give up early with a *definite* failure when a host is unreachable.
   */
  connectTimeoutMs?: number;
  /** Connection pool to use; defaults to a shared keep-alive agent. */
  agent?: http.Agent;
  /** HTTP method; defaults to POST. GET never sends a body; other methods send one when given. */
  method?: 'POST' | 'GET' | 'PUT' | 'DELETE' | 'PATCH';
}

/**
 * Deadlines for the request of one op: a little under the runner's op timeout, so the
 * client answers first and its error says what happened; and at most 1 s to connect, so an
 * unreachable node is a definite failure early. A user's configuration may set either.
 */
export function opDeadlines(opTimeoutMs: number, given: { timeoutMs?: number | undefined; connectTimeoutMs?: number | undefined } = {}): { timeoutMs: number; connectTimeoutMs: number } {
  const timeoutMs = given.timeoutMs ?? Math.max(50, opTimeoutMs - 100);
  return { timeoutMs, connectTimeoutMs: Math.min(given.connectTimeoutMs ?? 1000, timeoutMs) };
}

/** Errno codes that can only arise before a connection exists. Used as a fallback only. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Classify any error thrown by `httpRequest` (or a raw socket error) into a `TransportErrorCode`.
 * Unknown errors are `reset`: indeterminate is the safe default.
 */
export function classifyTransportError(err: unknown): TransportErrorCode {
  if (err instanceof HttpRequestError) return err.code;
  const sys = errnoCode(err);
  if (sys !== undefined && CONNECT_CODES.has(sys)) return 'connect';
  if (sys === 'ETIMEDOUT') return 'timeout';
  return 'reset';
}

/**
 * A shared pool. Limits keep a misbehaving test from opening thousands of sockets; the free
 * socket count stays small because idle connections to a paused node are useless anyway.
 */
const defaultAgent = new http.Agent({
  keepAlive: true,
  keepAliveMsecs: 1000,
  maxSockets: 64,
  maxFreeSockets: 16,
});

/**
 * Send `body` as JSON to `baseUrl + path`, resolve with the status and parsed JSON body for
 * any HTTP status, reject with a `HttpRequestError` otherwise.
 */
export function httpRequest(
  baseUrl: string,
  path: string,
  body: unknown,
  opts: HttpRequestOptions,
): Promise<HttpResponse> {
  const url = new URL(path, baseUrl);
  const method = opts.method ?? 'POST';
  const payload = method === 'GET' || (body === undefined && method !== 'POST') ? undefined : Buffer.from(JSON.stringify(body ?? null));
  const connectTimeoutMs = Math.min(opts.connectTimeoutMs ?? opts.timeoutMs, opts.timeoutMs);

  return new Promise<HttpResponse>((resolve, reject) => {
    // `connected` flips once TCP is up (or immediately for a reused keep-alive socket); it
    // is what separates a definite failure from an indeterminate one.
    let connected = false;
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;

    const finish = (err: HttpRequestError | undefined, res?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(overallTimer);
      clearTimeout(connectTimer);
      if (err !== undefined) {
        // Never hand a socket in an unknown state back to the pool.
        req.destroy();
        reject(err);
      } else if (res !== undefined) {
        resolve(res);
      }
    };

    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const req = http.request(url, {
      method,
      headers,
      agent: opts.agent ?? defaultAgent,
    });

    const overallTimer = setTimeout(() => {
      finish(
        connected
          ? new HttpRequestError('timeout', `no answer from ${url.host} within ${opts.timeoutMs} ms`)
          : new HttpRequestError('connect', `could not connect to ${url.host} within ${opts.timeoutMs} ms`),
      );
    }, opts.timeoutMs);

    req.on('socket', (socket) => {
      if (!socket.connecting) {
        connected = true;
        return;
      }
      connectTimer = setTimeout(() => {
        finish(new HttpRequestError('connect', `connect to ${url.host} timed out after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      socket.once('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });

    req.on('error', (e) => {
      const sys = errnoCode(e);
      if (!connected) {
        finish(new HttpRequestError('connect', `connect to ${url.host} failed: ${e.message}`, sys, e));
      } else {
        finish(new HttpRequestError('reset', `connection to ${url.host} failed after sending: ${e.message}`, sys, e));
      }
    });

    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => {
        finish(new HttpRequestError('reset', `answer from ${url.host} broke off: ${e.message}`, errnoCode(e), e));
      });
      // 'close' before a complete body means the peer went away mid-answer.
      res.on('close', () => {
        if (!res.complete) finish(new HttpRequestError('reset', `answer from ${url.host} broke off`));
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        if (text.length > 0) {
          try {
            parsed = JSON.parse(text) as unknown;
          } catch {
            finish(
              new HttpRequestError('bad-response', `non-JSON answer from ${url.host} (HTTP ${res.statusCode ?? 0}): ${text.slice(0, 200)}`),
            );
            return;
          }
        }
        finish(undefined, { status: res.statusCode ?? 0, body: parsed });
      });
    });

    req.end(payload);
  });
}

function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
