/** The order saga as a system under test: one command line for every node (role by position). */
import type { SystemSpec } from '../../cluster/cluster.js';
import { nodeService } from '../node-service.js';

export const SAGA_VARIANTS = ['careful', 'naive'] as const;
export type SagaVariant = (typeof SAGA_VARIANTS)[number];

export function sagaSystem(variant: SagaVariant, style: 'orchestration' | 'choreography' = 'orchestration', port = 8000): SystemSpec {
  return nodeService({ name: `saga-${style}-${variant}`, server: 'src/systems/saga/server.ts', variant, port, extraArgs: ['--style', style] });
}
