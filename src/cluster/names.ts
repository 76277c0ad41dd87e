/**
 * Names of everything a run creates, derived from its run id so that `faultline clean`
 * can find leftovers of a killed run by prefix alone.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every namespace, bridge, interface and temp dir of ours starts with this. */
export const PREFIX = 'fl-';

/** A short run id: 6 hex digits keep interface names under Linux's 15-character limit. */
export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

export const names = {
  hubNs: (runId: string) => `${PREFIX}${runId}-hub`,
  nodeNs: (runId: string, node: string) => `${PREFIX}${runId}-${node}`,
  /** The harness' end of the veth into the hub (lives in the harness' namespace). */
  hostVeth: (runId: string) => `fl${runId}h`,
  tempDir: (runId: string) => `${PREFIX}${runId}`,
};

/**
 * The uid this process has outside any user namespace: a normal user's run re-executes
 * itself as "root" in a user namespace of its own (privileges.ts), where getuid() says 0.
 */
function hostUid(): number {
  try {
    const m = /^\s*0\s+(\d+)\s+1\s*$/m.exec(readFileSync('/proc/self/uid_map', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    /* no /proc: not Linux */
  }
  return process.getuid?.() ?? 0;
}

/**
 * A directory of state shared by the runs of one user (pid files of live runs, subnet
 * claims) in the temp dir. Root's is `faultline-<kind>`; another user's carries the uid,
 * since a directory root created is not theirs to write, and their runs live in network
 * namespaces of their own anyway.
 */
export function sharedStateDir(kind: string): string {
  const uid = hostUid();
  return join(tmpdir(), uid === 0 ? `faultline-${kind}` : `faultline-${kind}-${uid}`);
}

/** Extracts the run id from a namespace name we created, or undefined. */
export function runIdOfNamespace(ns: string): string | undefined {
  const m = /^fl-([0-9a-f]{6})-/.exec(ns);
  return m?.[1];
}
