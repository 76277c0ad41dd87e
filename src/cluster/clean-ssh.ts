/**
 * `faultline clean --hosts …`: what runs of the SSH backend left on the hosts when their
 * harness was killed outright — node processes, run directories `/tmp/faultline-<run>-<node>`
 * and iptables chains `FAULTLINE…-<run>` — found by the run id in those names, and removed
 * with the same script teardown uses. Runs whose harness is still alive on this machine are
 * left alone. Nothing else on the hosts is touched.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { names } from './names.js';
import { FaultlineError } from '../core/errors.js';
import { isRunLive } from './live-runs.js';
import { cleanupScript, controlDir, remoteCommand, sshArgv, sshFailure, type SshLogin } from './ssh.js';
import type { SshHost } from './ssh-hosts.js';

const HEX6 = '[0-9a-f]'.repeat(6);

/** Lists `dir <path>` and `chain <name>` lines of every run's leftovers on a host. */
const LIST = [
  `for d in /tmp/faultline-${HEX6}-n*; do [ -d "$d" ] && echo "dir $d"; done`,
  `if command -v iptables >/dev/null 2>&1; then for t in filter nat mangle raw; do iptables -w -t $t -S 2>/dev/null | awk '$1=="-N" && $2 ~ /^FAULTLINE[A-Z-]*-${HEX6}$/ {print "chain", $2}'; done; fi`,
  'true',
].join('\n');

async function onHost(h: SshHost, o: SshLogin, script: string): Promise<string> {
  const r = await execa('ssh', [...sshArgv(h, o), '--', remoteCommand(script, o.sudo)], { reject: false, stdin: 'ignore', timeout: 60_000 });
  if (r.exitCode !== 0) {
    const err = String(r.stderr ?? '');
    throw new FaultlineError(`ssh ${h.node} (${h.user}@${h.host}:${h.port}): ${sshFailure(err, o) ?? (err.trim().split('\n')[0] || (r.timedOut ? 'timed out' : `exit ${r.exitCode}`))}`);
  }
  return String(r.stdout ?? '');
}

/** Removes what dead runs left on the hosts; returns what was removed, and puts live runs in `skipped`. */
export async function cleanSshHosts(hosts: readonly SshHost[], o: SshLogin, skipped: string[] = []): Promise<string[]> {
  const removed: string[] = [];
  for (const h of hosts) {
    const where = `${h.user}@${h.host}:${h.port}`;
    const listing = (await onHost(h, o, LIST)).split('\n');
    const dirs = new Map<string, string[]>();
    for (const line of listing) {
      const [kind, name] = line.trim().split(' ');
      const id = kind === 'dir' ? /^\/tmp\/faultline-([0-9a-f]{6})-n\d+$/.exec(name ?? '')?.[1] : kind === 'chain' ? /-([0-9a-f]{6})$/.exec(name ?? '')?.[1] : undefined;
      if (id === undefined) continue;
      if (!dirs.has(id)) dirs.set(id, []);
      if (kind === 'dir') dirs.get(id)!.push(name!);
      else removed.push(`chain ${name} on ${where}`);
    }
    for (const [id, ds] of dirs) {
      if (isRunLive(id)) {
        skipped.push(id);
        removed.splice(0, removed.length, ...removed.filter((r) => !r.includes(`-${id} on ${where}`)));
        continue;
      }
      // The script removes the run's chains whatever directory it is given.
      for (const d of ds.length ? ds : [`/tmp/faultline-${id}-none`]) await onHost(h, o, cleanupScript(id, d, false));
      removed.push(...ds.map((d) => `dir ${d} (and its node's processes) on ${where}`));
      // This machine's side: the run's control-socket directory.
      const local = controlDir(id, false);
      if (local !== undefined && existsSync(local)) {
        // Its master connections (they would end by themselves once idle for 30 s).
        for (const f of readdirSync(local).filter((e) => e.endsWith('.ctl'))) {
          await execa('ssh', ['-o', `ControlPath=${join(local, f)}`, '-O', 'exit', 'faultline-master'], { reject: false, stdin: 'ignore', timeout: 5000 });
        }
        rmSync(local, { recursive: true, force: true });
        removed.push(`dir ${local}`);
      }
    }
  }
  return removed;
}
