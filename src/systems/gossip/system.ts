/**
 * The gossip store as a system under test: how a backend starts a node and tells it is up.
 */
import type { SystemSpec } from '../../cluster/cluster.js';
import { nodeService } from '../node-service.js';

export const GOSSIP_VARIANTS = ['careful', 'naive'] as const;
export type GossipVariant = (typeof GOSSIP_VARIANTS)[number];

const GOSSIP_PORT = 8100;

export function gossipSystem(variant: GossipVariant, port = GOSSIP_PORT): SystemSpec {
  // No primary: every replica accepts reads and writes.
  return nodeService({ name: `gossip-${variant}`, server: 'src/systems/gossip/server.ts', variant, port });
}
