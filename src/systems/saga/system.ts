/** The order saga as a system under test: one command line for every node (role by position). */
import type { SystemSpec } from '../../cluster/cluster.js';
import { kvRequest } from '../../clients/kv-http.js';
import { compiled } from '../../core/paths.js';

export const SAGA_VARIANTS = ['careful', 'naive'] as const;
export type SagaVariant = (typeof SAGA_VARIANTS)[number];

const serverPath = compiled('src/systems/saga/server.ts');

export function sagaSystem(variant: SagaVariant, style: 'orchestration' | 'choreography' = 'orchestration', port = 8000): SystemSpec {
  return {
    name: `saga-${style}-${variant}`,
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
        '--style', style,
      ],
    }),
    async ready({ host, port: p }) {
      const r = await kvRequest(`http://${host}:${p}`, '/health', undefined, { timeoutMs: 500, method: 'GET' });
      return r.status === 200;
    },
  };
}
