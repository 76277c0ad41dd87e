/** The 2PC bank as a system under test: one command line for every node (role by position). */
import type { SystemSpec } from '../../cluster/cluster.js';
import { nodeService } from '../node-service.js';

export const TWOPC_VARIANTS = ['careful', 'naive'] as const;
export type TwopcVariant = (typeof TWOPC_VARIANTS)[number];

export function twopcSystem(variant: TwopcVariant, port = 8000): SystemSpec {
  return nodeService({ name: `twopc-${variant}`, server: 'src/systems/twopc/server.ts', variant, port });
}
