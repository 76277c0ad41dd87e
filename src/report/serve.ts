/**
 * `faultline serve`: a small HTTP server on 127.0.0.1 that lists the runs under a
 * reports directory and serves their reports, generating a missing report on first view.
 * Only files of runs it listed, by a fixed set of names, are ever read: a URL cannot
 * reach anything else on the disk, and neither can a symlink in the tree (a file counts
 * only when its real path is inside its run directory, itself inside the root). A run
 * whose files are broken gets an error of its own; the server goes on for every other.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileInside, realDir } from '../core/confine.js';
import { indexPage } from './index-page.js';
import { CSP } from './csp.js';
import { listRuns, SAFE_NAME } from './runs-index.js';
import { REPORT_FILE, writeReport } from './write-report.js';

/** The files of a run the server hands out, with their content types. */
const SERVED: Record<string, string> = {
  [REPORT_FILE]: 'text/html; charset=utf-8',
  'results.json': 'application/json; charset=utf-8',
  'test.json': 'application/json; charset=utf-8',
  // Plain text, so a browser shows the history instead of downloading it.
  'history.jsonl': 'text/plain; charset=utf-8',
};

export interface ReportServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * Rejects requests whose Host is not this loopback server: a page elsewhere could
 * otherwise point a DNS name at 127.0.0.1 and read the reports through the browser.
 */
function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? '';
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function handle(root: string, port: number, req: IncomingMessage, res: ServerResponse): void {
  try {
    route(root, port, req, res);
  } catch (e) {
    // One request's failure (a run's unreadable file) is that request's, never the server's.
    if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `error: ${(e as Error).message}\n`);
    else res.destroy();
  }
}

function route(root: string, port: number, req: IncomingMessage, res: ServerResponse): void {
  if (!hostAllowed(req, port)) return send(res, 421, 'text/plain; charset=utf-8', 'wrong host\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET\n');
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', indexPage(root, listRuns(root)));
  const m = /^\/runs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    let parts: string[];
    try {
      parts = [m[1]!, m[2]!, m[3]!].map(decodeURIComponent);
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad url\n');
    }
    const [workload, stamp, file] = parts as [string, string, string];
    const type = Object.hasOwn(SERVED, file) ? SERVED[file] : undefined;
    if (type && SAFE_NAME.test(workload) && SAFE_NAME.test(stamp)) {
      const run = listRuns(root).find((r) => r.workload === workload && r.stamp === stamp);
      const dirReal = run && realDir(run.dir);
      if (run && dirReal !== undefined) {
        const target = join(run.dir, file);
        try {
          // A report that is missing, or is anything but a regular file inside the run (a
          // symlink, dangling or not), is written anew: the write replaces whatever is at
          // the name and never follows it.
          if (file === REPORT_FILE && fileInside(dirReal, target) === undefined && run.hasHistory) writeReport(run.dir);
          const real = fileInside(dirReal, target);
          if (real !== undefined) return send(res, 200, type, readFileSync(real));
        } catch (e) {
          return send(res, 500, 'text/plain; charset=utf-8', `cannot produce ${file}: ${(e as Error).message}\n`);
        }
      }
    }
  }
  send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

/** Starts the server on 127.0.0.1 (port 0: any free port). */
export function serveReports(root: string, port: number): Promise<ReportServer> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => handle(root, (server.address() as AddressInfo).port, req, res));
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        url: `http://127.0.0.1:${actual}/`,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            // A browser keeps connections open; they must not hold the process.
            server.closeAllConnections();
          }),
      });
    });
  });
}
