/**
 * Names and labels of everything the Docker backend creates. Names start with `fl-<run id>`
 * like the local backend's; labels are what `faultline clean` and teardown select on, so a
 * run's leftovers are found even when a name was changed by hand.
 */
import { ownerLabel } from './live-runs.js';

export const LABEL_RUN = 'faultline.run';
/**
 * The harness process that owns the run, `<boot id>/<pid>/<start time>`: lets `faultline
 * clean` of any user tell a live run from a dead one without that run's state directory.
 */
export const LABEL_OWNER = 'faultline.owner';
export const LABEL_NODE = 'faultline.node';
export const LABEL_ROLE = 'faultline.role';
/** Images are shared by runs (cached by content hash), so they carry this instead of a run id. */
export const LABEL_IMAGE = 'faultline.image';
export const LABEL_IMAGE_HASH = 'faultline.image.hash';

export const dockerNames = {
  network: (runId: string) => `fl-${runId}`,
  /** The bridge device on the host; ≤ 15 characters. */
  bridge: (runId: string) => `fl${runId}d`,
  /** Holds the node's network namespace for the whole run (see docker.ts). */
  sandbox: (runId: string, node: string) => `fl-${runId}-${node}-net`,
  node: (runId: string, node: string) => `fl-${runId}-${node}`,
  volume: (runId: string, node: string) => `fl-${runId}-${node}-data`,
};

export function runLabels(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL_RUN]: runId, [LABEL_OWNER]: ownerLabel(), ...extra };
}
