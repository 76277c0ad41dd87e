/**
 * The routes every 2PC and saga node serves (in the shell all built-in services share,
 * http-server.ts): POST JSON in, JSON out, GET /health. The node logic behind them is a
 * `Service`, so the wire format is identical for every role and variant.
 */
import type http from 'node:http';
import { serveJson, type Logger } from '../http-server.js';
import { readJsonBody } from '../kv/http.js';
import { BadRequest, definiteError, indefiniteError, type KvResult } from '../kv/ops.js';

export type JsonResult = KvResult;
export type { Logger };

export interface Service {
  /** Serve POST `path`; undefined means "no such endpoint" (404). */
  handle(path: string, body: unknown): Promise<JsonResult | undefined>;
  /** Extra fields for GET /health (role, variant…). */
  health(): Record<string, unknown>;
  /** Stop timers and release files; called on SIGTERM. */
  close(): void;
}

/** Listens on host:port and routes requests to `service` until SIGTERM/SIGINT. */
export function serve(opts: { id: string; host: string; port: number }, service: Service, log: Logger): void {
  serveJson({ host: opts.host, port: opts.port, log, route: (req) => route(service, req), started: `listening on ${opts.host}:${opts.port}`, close: () => service.close() });
}

async function route(service: Service, req: http.IncomingMessage): Promise<JsonResult> {
  const path = new URL(req.url ?? '/', 'http://node').pathname;
  if (path === '/health') {
    if (req.method !== 'GET') return definiteError(405, 'method-not-allowed');
    return { status: 200, body: { ok: true, ...service.health() } };
  }
  if (req.method !== 'POST') return definiteError(405, 'method-not-allowed');
  const body = await readJsonBody(req);
  return (await service.handle(path, body)) ?? definiteError(404, 'not-found');
}

/** Field access for request bodies that throws BadRequest (a 400) on anything unexpected. */
export function field(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('body must be a JSON object');
  return (body as Record<string, unknown>)[name];
}

export function stringField(body: unknown, name: string): string {
  const v = field(body, name);
  if (typeof v !== 'string' || v === '') throw new BadRequest(`"${name}" must be a non-empty string`);
  return v;
}

export const ok = (extra: Record<string, unknown> = {}): JsonResult => ({ status: 200, body: { ok: true, ...extra } });
export { BadRequest, definiteError, indefiniteError };
