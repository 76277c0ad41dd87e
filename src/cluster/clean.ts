/**
 * `faultline clean`, local part: removes what runs whose harness died (SIGKILL, a forced
 * exit) recorded as their own (live-runs.ts): their namespaces with every process in them
 * (iptables rules live inside the node namespaces and go with them), the harness' veth
 * end, temp dirs and subnet claims, then the record. A run whose owner process is alive is
 * left alone. Namespaces that merely look like ours (`fl-…`) but that no record lists are
 * never touched: they are only reported.
 */
import { stateDirPath, stateSubdir, removeOwnDir } from '../core/state-dir.js';
import { runIdOfNamespace } from './names.js';
import { releaseClaim, releaseStaleClaims, removeRunNetwork } from './local.js';
import { run } from './sh.js';
import { isOwnerAlive, listRecords, unmarkRun } from './live-runs.js';

interface LocalCleanResult {
  removed: string[];
  /** Runs left alone because their owner is alive. */
  live: string[];
  /** Namespaces named like ours that no record of this user lists (left alone). */
  unrecorded: string[];
  /** What could not be removed (the run's record is kept, so a later clean tries again). */
  failed: string[];
  /** Set when there is no state directory: no run of this user ever recorded anything. */
  noState?: string;
}

/**
 * `network: false` (a normal user, whose runs' namespaces lived in user namespaces that
 * died with them) leaves namespaces and links out and removes only temp dirs, claims and
 * records of dead runs.
 */
export async function cleanLocal(opts: { network?: boolean } = {}): Promise<LocalCleanResult> {
  const network = opts.network ?? true;
  const result: LocalCleanResult = { removed: [], live: [], unrecorded: [], failed: [] };
  // Checks the directory (a symlink or someone else's is refused) before reading any of it.
  if (stateSubdir('runs', false) === undefined && stateSubdir('subnets', false) === undefined) {
    result.noState = stateDirPath();
  }
  const records = listRecords();
  const recorded = new Set<string>();
  for (const rec of records) {
    for (const r of rec.resources) if (r.kind === 'netns') recorded.add(r.name);
    if (isOwnerAlive(rec.owner)) {
      result.live.push(rec.runId);
      continue;
    }
    const namespaces = rec.resources.flatMap((r) => (r.kind === 'netns' ? [r.name] : []));
    const links = rec.resources.flatMap((r) => (r.kind === 'link' ? [r.name] : []));
    if (network && (namespaces.length || links.length)) {
      const removed = await removeRunNetwork(namespaces, links[0] ?? '');
      for (const extra of links.slice(1)) removed.push(...(await removeRunNetwork([], extra)));
      result.removed.push(...removed);
    }
    let failed = false;
    for (const r of rec.resources) {
      try {
        if (r.kind === 'dir' && removeOwnDir(r.path)) result.removed.push(`dir ${r.path}`);
        if (r.kind === 'subnet' && releaseClaim(r.path, rec.runId)) result.removed.push(`subnet claim of run ${rec.runId}`);
      } catch (e) {
        failed = true;
        result.failed.push(`${r.kind === 'dir' ? 'dir' : 'subnet claim'} ${'path' in r ? r.path : r.name} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    if (failed) continue;
    unmarkRun(rec.runId);
    result.removed.push(`record of run ${rec.runId}`);
  }
  result.removed.push(...releaseStaleClaims());
  const list = network ? await run(['ip', 'netns', 'list']).catch(() => undefined) : undefined;
  for (const line of list?.stdout.split('\n') ?? []) {
    const ns = line.split(' ')[0] ?? '';
    if (runIdOfNamespace(ns) && !recorded.has(ns)) result.unrecorded.push(ns);
  }
  return result;
}
