/**
 * Fault package `pause`: SIGSTOP of the same kinds of targets as `kill`, then SIGCONT. The
 * kernel still accepts connections for a paused node, but the process answers nothing —
 * a long GC pause or a VM migration, as its peers see it.
 */
import { processFaultPackage } from './process-fault.js';

export const pause = processFaultPackage({
  kind: 'pause',
  summary: 'SIGSTOP of the same kinds of targets, then SIGCONT: the kernel still accepts connections, the process answers nothing',
  mechanism: 'signals',
  colour: 'freeze',
  startF: 'pause',
  stopF: 'resume',
  act: (cluster, node) => cluster.pause(node),
  undo: (cluster, node) => cluster.resume(node),
});
