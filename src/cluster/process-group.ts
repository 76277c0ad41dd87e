/**
 * Nodes of the local backend run in process groups of their own, and every signal goes to
 * the whole group: a service started through a wrapper (`sh -c`, `npm start`) or one that
 * forks workers (PostgreSQL's backends) is killed, paused and resumed as a whole, as a
 * container is on the Docker backend. Killing only the leader would leave the real server
 * running, holding its port and answering clients while the node counts as down.
 *
 * A node's output goes straight to its log file (the file descriptor is handed to the
 * process), never through a pipe the harness reads: a detached child the service leaves
 * behind (a `setsid` helper) would hold such a pipe open, and waiting for it to close
 * would wait forever. What the harness waits for is the process' own exit.
 *
 * A detached child no longer dies with the harness by itself, so the groups alive are
 * remembered and killed when the process exits for any reason short of SIGKILL (which
 * `faultline clean` covers by killing whatever is left in the run's namespaces).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, readdirSync, readFileSync, statSync } from 'node:fs';

const live = new Set<number>();
/** Network namespaces of live runs of this process: whatever is in them dies with it. */
const liveNamespaces = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pgid of live) signalGroup(pgid, 'SIGKILL');
    for (const ns of liveNamespaces) for (const pid of pidsInNamespace(ns)) signalPid(pid, 'SIGKILL');
  });
}

/** A process whose stdout and stderr are appended to a file, and a promise of its exit. */
export interface LoggedProcess {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Settles when the process itself has exited (or could not start); never waits on output. */
  readonly exited: Promise<void>;
  /** The exit code or signal, once exited; `spawn error: …` when it could not start. */
  readonly status: () => string | undefined;
  readonly running: () => boolean;
}

interface SpawnToLogOptions {
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Leads a process group of its own (and is remembered to be killed on exit). */
  group?: boolean;
}

/**
 * Starts `file args` with stdout and stderr appended to `logFile` (opened here without
 * following a symlink at its name), stdin closed.
 */
export function spawnToLog(file: string, args: readonly string[], o: SpawnToLogOptions): LoggedProcess {
  const fd = openSync(o.logFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  let child: ChildProcess;
  try {
    child = spawn(file, [...args], {
      stdio: ['ignore', fd, fd],
      detached: o.group === true,
      ...(o.env ? { env: o.env } : {}),
      ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    });
  } finally {
    // The child has its own copy; ours would only keep the file open.
    closeSync(fd);
  }
  let status: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status ??= code !== null ? String(code) : String(signal);
      resolve();
    });
    child.once('error', (e) => {
      status ??= `spawn error: ${e.message}`;
      resolve();
    });
  });
  const pid = child.pid;
  if (o.group && pid !== undefined) {
    live.add(pid);
    hookExit();
    void exited.then(() => live.delete(pid));
  }
  return { child, pid, exited, status: () => status, running: () => status === undefined && pid !== undefined };
}

/** Remembers a network namespace whose processes are killed if this process exits. */
export function trackNamespace(ns: string): void {
  liveNamespaces.add(ns);
  hookExit();
}

export function untrackNamespace(ns: string): void {
  liveNamespaces.delete(ns);
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

export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The processes in the named network namespace (what `ip netns pids` prints, found the
 * same way: every /proc/<pid>/ns/net that is the same file as /run/netns/<ns>). Whatever a
 * node left behind is there, even in a session and process group of its own.
 */
export function pidsInNamespace(ns: string): number[] {
  let target;
  try {
    target = statSync(`/run/netns/${ns}`);
  } catch {
    return [];
  }
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = statSync(`/proc/${e}/ns/net`);
      if (s.ino === target.ino && s.dev === target.dev) pids.push(Number(e));
    } catch {
      /* gone, or not ours to look at */
    }
  }
  return pids;
}

/** Those of `pids` whose environment holds `entry` ("NAME=value"), as inherited from the process that started them. */
export function pidsWithEnv(pids: readonly number[], entry: string): number[] {
  const needle = Buffer.from(`${entry}\0`);
  return pids.filter((pid) => {
    try {
      const env = readFileSync(`/proc/${pid}/environ`);
      return env.indexOf(needle) === 0 || env.indexOf(Buffer.concat([Buffer.from('\0'), needle])) >= 0;
    } catch {
      return false;
    }
  });
}

/**
 * True once `pid` has exited with all its threads: gone, or a zombie with no thread left
 * but its first. Only then are its files (sockets included) closed: the first thread of a
 * multi-threaded process turns zombie while the others are still on their way out, and
 * an exiting process' environment reads empty earlier still, so neither is a test of this.
 */
export function hasExited(pid: number): boolean {
  try {
    if (readdirSync(`/proc/${pid}/task`).some((t) => t !== String(pid))) return false;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

/** Resolves true when `p` settles within `ms`, false when the time is up first. */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(t);
      resolve(true);
    };
    p.then(done, done);
  });
}
