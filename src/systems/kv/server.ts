/**
 * Entry point of the kv system under test:
 *
 *   node dist/src/systems/kv/server.js --id n1 --nodes n1=10.88.0.2:8000,... --port 8000 \
 *     --data-dir /var/lib/kv --variant careful|naive [--host 0.0.0.0]
 *
 * Exit codes: 0 after SIGTERM/SIGINT, 1 on a fatal runtime error (cannot listen, corrupt
 * log, storage failure), 2 on bad arguments. Logs one line per notable event to stdout.
 */
import fs from 'node:fs';
import type http from 'node:http';
import { argsOrExit, fatalAfterAnswer, logger, serveJson, startOrExit } from '../http-server.js';
import { USAGE, parseArgs, type KvArgs } from './args.js';
import { createCareful } from './careful.js';
import { readJsonBody } from './http.js';
import { createNaive } from './naive.js';
import type { KvNode } from './node.js';
import { definiteError, parseOp, type KvFunction, type KvResult } from './ops.js';

const CLIENT_PATHS: Record<string, KvFunction> = { '/read': 'read', '/write': 'write', '/cas': 'cas' };

function main(): void {
  const args = argsOrExit('kv', USAGE, parseArgs);
  const log = logger(args.id);
  const node = startOrExit<KvNode>(log, () => {
    fs.mkdirSync(args.dataDir, { recursive: true });
    // A careful node that loses its storage lets the current answer go out first, then stops.
    return args.variant === 'careful' ? createCareful(args, log, fatalAfterAnswer(log)) : createNaive(args, log);
  });

  serveJson({
    host: args.host,
    port: args.port,
    log,
    route: (req) => route(args, node, req),
    started: `started variant=${args.variant} listening on ${args.host}:${args.port} nodes=${args.nodes.map((n) => n.id).join(',')} data-dir=${args.dataDir}`,
    close: () => node.close(),
  });
}

async function route(args: KvArgs, node: KvNode, req: http.IncomingMessage): Promise<KvResult> {
  const path = new URL(req.url ?? '/', 'http://kv').pathname;
  if (path === '/health') {
    if (req.method !== 'GET') return definiteError(405, 'method-not-allowed');
    // `now` is the node's wall clock as it sees it, so a test can observe a clock fault.
    return { status: 200, body: { ok: true, id: args.id, variant: args.variant, now: Date.now(), ...node.health() } };
  }
  const f = CLIENT_PATHS[path];
  const isInternal = path.startsWith('/internal/');
  if (f === undefined && !isInternal) return definiteError(404, 'not-found');
  if (req.method !== 'POST') return definiteError(405, 'method-not-allowed');
  const body = await readJsonBody(req);
  if (f !== undefined) return node.handle(parseOp(f, body));
  return (await node.internal(path, body)) ?? definiteError(404, 'not-found');
}

main();
