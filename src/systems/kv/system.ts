/**
 * The built-in kv service as a system under test: how a backend starts one node and how
 * it tells the node is ready. The same command line works in a namespace or a container.
 */
import type { Cluster, SystemSpec } from '../../cluster/cluster.js';
import { kvRequest } from '../../clients/kv-http.js';
import { compiled } from '../../core/paths.js';

export const KV_VARIANTS = ['careful', 'naive'] as const;
export type KvVariant = (typeof KV_VARIANTS)[number];

const serverPath = compiled('src/systems/kv/server.ts');

export function kvSystem(variant: KvVariant, port = 8000): SystemSpec {
  return {
    name: `kv-${variant}`,
    port,
    launch: ({ node, ips, port: p, dataDir }) => ({
      command: process.execPath,
      args: [
        serverPath,
        '--id', node,
        '--nodes', [...ips].map(([n, ip]) => `${n}=${ip}:${p}`).join(','),
        '--port', String(p),
        '--data-dir', dataDir,
        '--variant', variant,
      ],
    }),
    // Node reads the wall clock through libc, so libfaketime can skew it.
    clock: 'libc',
    // The careful design's primary is fixed: the first node. The naive one has none.
    ...(variant === 'careful' ? { primary: async (cluster: Cluster) => cluster.nodes[0] } : {}),
    async ready({ host, port: p }) {
      const r = await kvRequest(`http://${host}:${p}`, '/health', undefined, { timeoutMs: 500, method: 'GET' });
      return r.status === 200;
    },
  };
}
