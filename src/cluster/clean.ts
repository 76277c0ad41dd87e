/**
 * `faultline clean`: removes whatever runs left behind (a harness killed with SIGKILL, a
 * forced exit): processes in our namespaces, the namespaces with their bridges and
 * iptables rules, our veth ends, temp dirs and subnet claims. Everything is found by the
 * `fl-` prefix or the run id it records.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREFIX, runIdOfNamespace } from './names.js';
import { releaseStaleClaims, removeRunNetwork } from './local.js';
import { run } from './sh.js';
import { forgetDeadRuns, isRunLive, unmarkRun } from './live-runs.js';

/** Removes what killed runs left; runs whose harness is alive are listed in `skipped`. */
export async function cleanLocal(skipped: string[] = []): Promise<string[]> {
  const removed: string[] = [];
  const list = await run(['ip', 'netns', 'list']).catch(() => undefined);
  const runIds = new Set<string>();
  for (const line of list?.stdout.split('\n') ?? []) {
    const id = runIdOfNamespace(line.split(' ')[0] ?? '');
    if (id) runIds.add(id);
  }
  // Our veth ends whose hub is already gone.
  const links = await run(['ip', '-o', 'link', 'show']).catch(() => undefined);
  for (const m of links?.stdout.matchAll(/^\d+: fl([0-9a-f]{6})h[@:]/gm) ?? []) runIds.add(m[1]!);
  for (const id of runIds) {
    if (isRunLive(id)) {
      skipped.push(id);
      continue;
    }
    removed.push(...(await removeRunNetwork(id)));
    unmarkRun(id);
  }
  for (const entry of readdirSync(tmpdir())) {
    if (/^fl-[0-9a-f]{6}$/.test(entry) && entry.startsWith(PREFIX) && !isRunLive(entry.slice(PREFIX.length))) {
      rmSync(join(tmpdir(), entry), { recursive: true, force: true });
      removed.push(`dir ${join(tmpdir(), entry)}`);
    }
  }
  removed.push(...releaseStaleClaims());
  for (const id of forgetDeadRuns()) removed.push(`pid file of run ${id}`);
  return removed;
}
