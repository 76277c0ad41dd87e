/** Readiness probes for user services: an HTTP path, a TCP port, or a line in the log. */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { NodeAddress, ReadyContext } from '../cluster/cluster.js';
import type { ReadyProbe } from './workload-config.js';

function httpOk(a: NodeAddress, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: a.host, port: a.port, path, timeout: 500, agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function tcpOpen(a: NodeAddress): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(a.port, a.host);
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * A log probe must not pass on a line from before a restart: it only looks at what the
 * log gained since the probe was created for this start.
 */
function logMatches(pattern: RegExp, ctx: ReadyContext | undefined, offsets: Map<string, number>): boolean {
  if (!ctx) return false;
  let text = '';
  try {
    text = readFileSync(ctx.logFile, 'utf8');
  } catch {
    return false;
  }
  const from = offsets.get(ctx.node) ?? 0;
  if (pattern.test(text.slice(from))) {
    offsets.set(ctx.node, text.length);
    return true;
  }
  return false;
}

export function readyProbe(probe: ReadyProbe = { tcp: true }): (a: NodeAddress, ctx?: ReadyContext) => Promise<boolean> {
  if ('http' in probe) return (a) => httpOk(a, probe.http);
  if ('log' in probe) {
    const re = new RegExp(probe.log);
    const offsets = new Map<string, number>();
    return async (_a, ctx) => logMatches(re, ctx, offsets);
  }
  return (a) => tcpOpen(a);
}
