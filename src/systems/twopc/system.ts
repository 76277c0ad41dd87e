/** The 2PC bank as a system under test: one command line for every node (role by position). */
import type { SystemSpec } from '../../cluster/cluster.js';
import { kvRequest } from '../../clients/kv-http.js';
import { compiled } from '../../core/paths.js';

export const TWOPC_VARIANTS = ['careful', 'naive'] as const;
export type TwopcVariant = (typeof TWOPC_VARIANTS)[number];

const serverPath = compiled('src/systems/twopc/server.ts');

export function twopcSystem(variant: TwopcVariant, port = 8000): SystemSpec {
  return {
    name: `twopc-${variant}`,
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
    async ready({ host, port: p }) {
      const r = await kvRequest(`http://${host}:${p}`, '/health', undefined, { timeoutMs: 500, method: 'GET' });
      return r.status === 200;
    },
  };
}
