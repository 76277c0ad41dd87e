/**
 * Fault package `kill`: SIGKILL of one node, a minority, a majority, all, or the primary
 * (no flush, no goodbye); its undo, `start`, restarts the named nodes (or every dead one)
 * with their data directories intact. Targets are drawn as node lists or "primary"
 * (targets.ts); completions record the nodes hit.
 */
import { processFaultPackage } from './process-fault.js';

export const kill = processFaultPackage({
  kind: 'kill',
  summary: 'SIGKILL of one node, a minority, a majority, all, or the primary; then restart with the data directory kept',
  mechanism: 'signals to the node process',
  colour: 'crash',
  startF: 'kill',
  stopF: 'start',
  act: (cluster, node) => cluster.kill(node),
  undo: (cluster, node) => cluster.start(node),
});
