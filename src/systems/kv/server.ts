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
import http from 'node:http';
import { ArgsError, USAGE, parseArgs, type KvArgs } from './args.js';
import { createCareful } from './careful.js';
import { ClientGone, readJsonBody, sendJson } from './http.js';
import { createNaive } from './naive.js';
import type { KvNode, Logger } from './node.js';
import { BadRequest, badRequest, definiteError, indefiniteError, parseOp, type KvFunction, type KvResult } from './ops.js';

const CLIENT_PATHS: Record<string, KvFunction> = { '/read': 'read', '/write': 'write', '/cas': 'cas' };

function main(): void {
  let args: KvArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ArgsError) {
      process.stderr.write(`kv: ${e.message} (${USAGE})\n`);
      process.exit(2);
    }
    throw e;
  }

  const log: Logger = (message) => {
    process.stdout.write(`${new Date().toISOString()} ${args.id} ${message}\n`);
  };
  const die = (message: string): never => {
    log(`fatal: ${message}`);
    process.exit(1);
  };

  let node: KvNode;
  try {
    fs.mkdirSync(args.dataDir, { recursive: true });
    node =
      args.variant === 'careful'
        ? createCareful(args, log, (message) => {
            // Let the current answer go out first; then stop before serving anything else.
            log(`fatal: ${message}`);
            setImmediate(() => process.exit(1));
          })
        : createNaive(args, log);
  } catch (e) {
    die(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }

  const server = http.createServer((req, res) => {
    void route(args, node, req).then(
      (result) => sendJson(res, result),
      (e: unknown) => {
        if (e instanceof BadRequest) {
          sendJson(res, badRequest(e.message));
          return;
        }
        if (e instanceof ClientGone) return; // nothing was executed and nobody is listening
        log(`error serving ${req.method ?? '?'} ${req.url ?? '?'}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        // We do not know how far the handler got, so the outcome is unknown.
        sendJson(res, indefiniteError(500, 'internal-error'));
      },
    );
  });
  // Node's client agent retires idle sockets 1 s before this hint, avoiding the race where a
  // peer reuses a connection the server is just closing (which would read as indeterminate).
  server.keepAliveTimeout = 5000;

  server.on('error', (e) => die(`server error: ${e.message}`));
  server.listen(args.port, args.host, () => {
    log(`started variant=${args.variant} listening on ${args.host}:${args.port} nodes=${args.nodes.map((n) => n.id).join(',')} data-dir=${args.dataDir}`);
  });

  const shutdown = (signal: string): void => {
    log(`${signal}: shutting down`);
    node.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    // Connections that refuse to drain must not keep a stopped node alive.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
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
