/**
 * The HTTP shell every 2PC and saga node runs in: POST JSON in, JSON out, GET /health,
 * clean exit on SIGTERM. The node logic behind it is a `Service`, so the shell (and the
 * wire format) is identical for every role and variant.
 */
import http from 'node:http';
import { ClientGone, readJsonBody, sendJson } from '../kv/http.js';
import { BadRequest, badRequest, definiteError, indefiniteError, type KvResult } from '../kv/ops.js';

export type JsonResult = KvResult;
export type Logger = (message: string) => void;

export interface Service {
  /** Serve POST `path`; undefined means "no such endpoint" (404). */
  handle(path: string, body: unknown): Promise<JsonResult | undefined>;
  /** Extra fields for GET /health (role, variant…). */
  health(): Record<string, unknown>;
  /** Stop timers and release files; called on SIGTERM. */
  close(): void;
}

export function logger(id: string): Logger {
  return (message) => process.stdout.write(`${new Date().toISOString()} ${id} ${message}\n`);
}

/** Listens on host:port and routes requests to `service` until SIGTERM/SIGINT. */
export function serve(opts: { id: string; host: string; port: number }, service: Service, log: Logger): void {
  const server = http.createServer((req, res) => {
    void route(service, req).then(
      (result) => sendJson(res, result),
      (e: unknown) => {
        if (e instanceof BadRequest) return sendJson(res, badRequest(e.message));
        if (e instanceof ClientGone) return;
        log(`error serving ${req.method ?? '?'} ${req.url ?? '?'}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        // We do not know how far the handler got, so the outcome is unknown.
        sendJson(res, indefiniteError(500, 'internal-error'));
      },
    );
  });
  // Keep-alive longer than the peers' agents keep idle sockets (see kv/server.ts).
  server.keepAliveTimeout = 5000;
  server.on('error', (e) => {
    log(`fatal: server error: ${e.message}`);
    process.exit(1);
  });
  server.listen(opts.port, opts.host, () => log(`listening on ${opts.host}:${opts.port}`));
  const shutdown = (signal: string): void => {
    log(`${signal}: shutting down`);
    service.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
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
