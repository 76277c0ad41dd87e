/**
 * The HTTP shell every built-in service runs in (kv, gossip, 2PC, sagas): each request is
 * routed to a JSON answer; a handler that throws gets the same answers everywhere (400 for
 * a bad request, nothing for a client that left, else an indefinite 500); a server error
 * is fatal (exit 1); SIGTERM and SIGINT close the node and exit 0. Starting is the same
 * too: bad arguments exit 2 with the usage, a node that cannot start exits 1.
 */
import http from 'node:http';
import { ArgsError } from './kv/args.js';
import { ClientGone, sendJson } from './kv/http.js';
import { BadRequest, badRequest, indefiniteError, type KvResult } from './kv/ops.js';

export type Logger = (message: string) => void;

/** The parsed command line; bad arguments are one line on stderr (`name: why (usage)`) and exit 2. */
export function argsOrExit<A>(name: string, usage: string, parse: (argv: string[]) => A): A {
  try {
    return parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    process.stderr.write(`${name}: ${e.message} (${usage})\n`);
    process.exit(2);
  }
}

/** The node `start` builds; one that cannot start (a corrupt log, a bad data dir) is logged and exits 1. */
export function startOrExit<N>(log: Logger, start: () => N): N {
  try {
    return start();
  } catch (e) {
    log(`fatal: cannot start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

/** Lines on stdout, each with the time and the node's id (the node log the harness keeps). */
export function logger(id: string): Logger {
  return (message) => process.stdout.write(`${new Date().toISOString()} ${id} ${message}\n`);
}

/** For a careful node that can no longer keep its promises: the current answer goes out, then it stops. */
export function fatalAfterAnswer(log: Logger): (message: string) => void {
  return (message) => {
    log(`fatal: ${message}`);
    setImmediate(() => process.exit(1));
  };
}

interface JsonServer {
  host: string;
  port: number;
  log: Logger;
  /** The answer to one request (it may throw BadRequest or ClientGone). */
  route(req: http.IncomingMessage): Promise<KvResult>;
  /** Logged once listening. */
  started: string;
  /** Stops timers and releases files; called on SIGTERM/SIGINT. */
  close(): void;
}

export function serveJson(o: JsonServer): http.Server {
  const { log } = o;
  const server = http.createServer((req, res) => {
    void o.route(req).then(
      (result) => sendJson(res, result),
      (e: unknown) => {
        if (e instanceof BadRequest) return sendJson(res, badRequest(e.message));
        if (e instanceof ClientGone) return; // nothing was executed and nobody is listening
        log(`error serving ${req.method ?? '?'} ${req.url ?? '?'}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        // We do not know how far the handler got, so the outcome is unknown.
        sendJson(res, indefiniteError(500, 'internal-error'));
      },
    );
  });
  // Node's client agent retires idle sockets 1 s before this hint, avoiding the race where a
  // peer reuses a connection the server is just closing (which would read as indeterminate).
  server.keepAliveTimeout = 5000;
  server.on('error', (e) => {
    log(`fatal: server error: ${e.message}`);
    process.exit(1);
  });
  server.listen(o.port, o.host, () => log(o.started));
  const shutdown = (signal: string): void => {
    log(`${signal}: shutting down`);
    o.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    // Connections that refuse to drain must not keep a stopped node alive.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return server;
}
