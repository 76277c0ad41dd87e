/**
 * The gossip store as a system under test: how a backend starts a node and tells it is up.
 */
import type { SystemSpec } from '../../cluster/cluster.js';
import { kvRequest } from '../../clients/kv-http.js';
import { compiled } from '../../core/paths.js';

export const GOSSIP_VARIANTS = ['careful', 'naive'] as const;
export type GossipVariant = (typeof GOSSIP_VARIANTS)[number];

export const GOSSIP_PORT = 8100;

const serverPath = compiled('src/systems/gossip/server.ts');

export function gossipSystem(variant: GossipVariant, port = GOSSIP_PORT): SystemSpec {
  return {
    name: `gossip-${variant}`,
    port,
    launch: ({ node, ips, port: p, dataDir }) => ({
      command: process.execPath,
      args: [serverPath, '--id', node, '--nodes', [...ips].map(([n, ip]) => `${n}=${ip}:${p}`).join(','), '--port', String(p), '--data-dir', dataDir, '--variant', variant],
    }),
    // Node reads the wall clock through libc, so libfaketime can skew it (LWW is the target).
    clock: 'libc',
    // No primary: every replica accepts reads and writes.
    async ready({ host, port: p }) {
      const r = await kvRequest(`http://${host}:${p}`, '/health', undefined, { timeoutMs: 500, method: 'GET' });
      return r.status === 200;
    },
  };
}
