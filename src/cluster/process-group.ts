/**
 * Nodes of the local backend run in process groups of their own, and every signal goes to
 * the whole group: a service started through a wrapper (`sh -c`, `npm start`) or one that
 * forks workers (PostgreSQL's backends) is killed, paused and resumed as a whole, as a
 * container is on the Docker backend. Killing only the leader would leave the real server
 * running, holding its port and answering clients while the node counts as down.
 *
 * A detached child no longer dies with the harness by itself, so the groups alive are
 * remembered and killed when the process exits for any reason short of SIGKILL (which
 * `faultline clean` covers by killing whatever is left in the run's namespaces).
 */
import type { ResultPromise } from 'execa';

const live = new Set<number>();
let hooked = false;

/** Remembers `proc` (started with `detached: true`) as the leader of a group to clean up. */
export function trackGroup(proc: ResultPromise): void {
  const pid = proc.pid;
  if (pid === undefined) return;
  live.add(pid);
  const forget = () => live.delete(pid);
  proc.then(forget, forget);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const pgid of live) signalGroup(pgid, 'SIGKILL');
    });
  }
}

/**
 * Sends `signal` to the group led by `pid`; false when there is no such group any more.
 * The leader may be gone while members live on (a wrapper that exited), so the group is
 * addressed, not the leader.
 */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
