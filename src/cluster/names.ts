/**
 * Names of everything a run creates, derived from its run id. `faultline clean` does not
 * trust a name: it removes only what a run recorded (live-runs.ts).
 */
import { randomBytes } from 'node:crypto';

/** Every namespace, bridge, interface and temp dir of ours starts with this. */
const PREFIX = 'fl-';

/** A short run id: 6 hex digits keep interface names under Linux's 15-character limit. */
export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

export const names = {
  hubNs: (runId: string) => `${PREFIX}${runId}-hub`,
  nodeNs: (runId: string, node: string) => `${PREFIX}${runId}-${node}`,
  /** The harness' end of the veth into the hub (lives in the harness' namespace). */
  hostVeth: (runId: string) => `fl${runId}h`,
  /** Prefix of the run's temp dir (made with mkdtemp, so its full name is unpredictable). */
  tempDirPrefix: (runId: string) => `${PREFIX}${runId}-`,
};

/** Extracts the run id from a namespace name we created, or undefined. */
export function runIdOfNamespace(ns: string): string | undefined {
  const m = /^fl-([0-9a-f]{6})-/.exec(ns);
  return m?.[1];
}
