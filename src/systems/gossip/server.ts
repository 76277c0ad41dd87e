/**
 * Entry point of the gossip store (an available, eventually consistent replicated store):
 *
 *   node dist/src/systems/gossip/server.js --id n1 --nodes n1=10.88.0.2:8100,... --port 8100 \
 *     --data-dir /var/lib/gossip --variant careful|naive [--host 0.0.0.0]
 *
 * Client API (POST, JSON; every body may carry `token`, the careful variant's session token):
 *   /set/add {key, element}  /set/remove {key, element}  /set/read {key}
 *   /counter/add {key, delta}  /gcounter/add {key, delta ≥ 0}  /counter/read {key}
 *   /register/write {key, value}  /register/read {key}
 * Answers: {ok: true, value?, token?} or {ok: false, error, definite}.
 * Exit codes as the kv server: 0 after SIGTERM, 1 fatal, 2 bad arguments.
 */
import fs from 'node:fs';
import type http from 'node:http';
import { argsOrExit, logger, serveJson, startOrExit } from '../http-server.js';
import { USAGE, parseArgs, type KvArgs } from '../kv/args.js';
import { readJsonBody } from '../kv/http.js';
import { BadRequest, definiteError, type KvResult } from '../kv/ops.js';
import { GossipNode, type ClientRequest } from './node.js';
import type { VersionVector } from './ops.js';

function main(): void {
  const args = argsOrExit('gossip', USAGE.replace('server.js', 'gossip/server.js'), parseArgs);
  const log = logger(args.id);
  const node = startOrExit(log, () => {
    fs.mkdirSync(args.dataDir, { recursive: true });
    return new GossipNode({ id: args.id, nodes: args.nodes, dataDir: args.dataDir, careful: args.variant === 'careful' }, log);
  });
  serveJson({
    host: args.host,
    port: args.port,
    log,
    route: (req) => route(args, node, req),
    started: `started variant=${args.variant} listening on ${args.host}:${args.port} nodes=${args.nodes.map((n) => n.id).join(',')}`,
    close: () => node.close(),
  });
}

async function route(args: KvArgs, node: GossipNode, req: http.IncomingMessage): Promise<KvResult> {
  const path = new URL(req.url ?? '/', 'http://gossip').pathname;
  if (path === '/health') {
    return { status: 200, body: { ok: true, id: args.id, variant: args.variant, now: Date.now(), ...node.health() } };
  }
  if (req.method !== 'POST') return definiteError(405, 'method-not-allowed');
  const body = await readJsonBody(req);
  if (path.startsWith('/internal/')) return (await node.internal(path, body)) ?? definiteError(404, 'not-found');
  const parsed = parseClientRequest(path, body);
  return parsed === undefined ? definiteError(404, 'not-found') : node.handle(parsed);
}

/** Validates a client body for `path`; undefined for an unknown path. */
function parseClientRequest(path: string, body: unknown): ClientRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('body must be a JSON object');
  const b = body as Record<string, unknown>;
  const key = b['key'];
  if (typeof key !== 'string' || key === '') throw new BadRequest('"key" must be a non-empty string');
  const t = b['token'];
  const token = typeof t === 'object' && t !== null && !Array.isArray(t) ? (t as VersionVector) : undefined;
  const base = { key, ...(token ? { token } : {}) };
  const element = (): string | number => {
    const e = b['element'];
    if (typeof e !== 'string' && typeof e !== 'number') throw new BadRequest('"element" must be a string or number');
    return e;
  };
  const delta = (min: number): number => {
    const d = b['delta'];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < min) throw new BadRequest(`"delta" must be an integer ≥ ${min}`);
    return d;
  };
  switch (path) {
    case '/set/read':
      return { op: 'read', type: 'set', ...base };
    case '/counter/read':
      return { op: 'read', type: 'counter', ...base };
    case '/register/read':
      return { op: 'read', type: 'register', ...base };
    case '/set/add':
      return { op: 'write', kind: 'set-add', element: element(), ...base };
    case '/set/remove':
      return { op: 'write', kind: 'set-remove', element: element(), ...base };
    case '/counter/add':
      return { op: 'write', kind: 'counter-add', delta: delta(Number.MIN_SAFE_INTEGER), ...base };
    case '/gcounter/add':
      // A grow-only counter is a counter key that only ever receives non-negative deltas.
      return { op: 'write', kind: 'counter-add', delta: delta(0), ...base };
    case '/register/write':
      if (!('value' in b)) throw new BadRequest('"value" is missing');
      return { op: 'write', kind: 'register-write', value: b['value'], ...base };
    default:
      return undefined;
  }
}

main();
