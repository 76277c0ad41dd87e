/**
 * The built-in kv service as a system under test: how a backend starts one node and how
 * it tells the node is ready. The same command line works in a namespace or a container.
 */
import type { Cluster, SystemSpec } from '../../cluster/cluster.js';
import { nodeService } from '../node-service.js';

export const KV_VARIANTS = ['careful', 'naive'] as const;
export type KvVariant = (typeof KV_VARIANTS)[number];

export function kvSystem(variant: KvVariant, port = 8000): SystemSpec {
  return {
    ...nodeService({ name: `kv-${variant}`, server: 'src/systems/kv/server.ts', variant, port }),
    // The careful design's primary is fixed: the first node. The naive one has none.
    ...(variant === 'careful' ? { primary: async (cluster: Cluster) => cluster.nodes[0] } : {}),
  };
}
