/**
 * Which runs still have a harness alive: a run writes its pid to a file named after its run
 * id while it runs, so `faultline clean` removes only what killed runs left behind and never
 * pulls the cluster out from under a test that is still going (another terminal, a
 * parallel CI job).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedStateDir } from './names.js';

const dir = () => sharedStateDir('runs');
const file = (runId: string) => join(dir(), `${runId}.pid`);

export function markRunLive(runId: string): void {
  mkdirSync(dir(), { recursive: true });
  writeFileSync(file(runId), String(process.pid));
}

export function unmarkRun(runId: string): void {
  rmSync(file(runId), { force: true });
}

/** True when the run's harness process is still running (and is not this process). */
export function isRunLive(runId: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file(runId), 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive but not ours to signal; ESRCH: gone.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Forgets runs whose harness died without unmarking (killed with SIGKILL); returns their ids. */
export function forgetDeadRuns(): string[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir());
  } catch {
    return [];
  }
  const dead = entries.filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4)).filter((id) => !isRunLive(id));
  dead.forEach(unmarkRun);
  return dead;
}
