/**
 * The built-in systems (kv, 2PC, sagas, gossip) are all Node HTTP services started the
 * same way: the compiled server with the node's id, every node's address, its port, its
 * data directory and the variant, ready once GET /health answers 200. This builds their
 * SystemSpec; each system adds what is its own (extra flags, a primary).
 */
import type { SystemSpec } from '../cluster/cluster.js';
import { httpRequest } from '../clients/http-transport.js';
import { compiled } from '../core/paths.js';

interface NodeServiceOptions {
  name: string;
  /** Source path of the server, relative to the package root (its compiled file runs). */
  server: string;
  variant: string;
  port: number;
  /** Flags after the common ones, e.g. ["--style", "choreography"]. */
  extraArgs?: readonly string[];
}

export function nodeService(o: NodeServiceOptions): SystemSpec {
  const serverPath = compiled(o.server);
  return {
    name: o.name,
    port: o.port,
    launch: ({ node, ips, port, dataDir }) => ({
      command: process.execPath,
      args: [
        serverPath,
        '--id', node,
        '--nodes', [...ips].map(([n, ip]) => `${n}=${ip}:${port}`).join(','),
        '--port', String(port),
        '--data-dir', dataDir,
        '--variant', o.variant,
        ...(o.extraArgs ?? []),
      ],
    }),
    // Node reads the wall clock through libc, so libfaketime can skew these services.
    clock: 'libc',
    async ready({ host, port }) {
      const r = await httpRequest(`http://${host}:${port}`, '/health', undefined, { timeoutMs: 500, method: 'GET' });
      return r.status === 200;
    },
  };
}
