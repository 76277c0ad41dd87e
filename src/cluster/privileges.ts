/**
 * The local backend needs to create network namespaces and iptables rules. As root that
 * is direct. As a normal user, the CLI re-runs itself inside
 * `unshare --user --map-root-user --net --mount`, where it is root over namespaces of its
 * own (and a private /run for `ip netns`, with the user's state directory bound back into
 * it). Where neither works, one line says so.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FaultlineError } from '../core/errors.js';
import { ensureStateDir } from '../core/state-dir.js';
import { run } from './sh.js';

const USERNS_ENV = 'FAULTLINE_IN_USERNS';

async function have(cmd: string): Promise<boolean> {
  try {
    const r = await run(['sh', '-c', `command -v ${cmd}`]);
    return r.exitCode === 0;
  } catch {
    return false;
  }
}

/** Throws a one-line error when the local backend cannot work here. */
export async function requireNamespaces(): Promise<void> {
  for (const [cmd, pkg] of [['ip', 'iproute2'], ['iptables', 'iptables']] as const) {
    if (!(await have(cmd))) throw new FaultlineError(`the local backend needs \`${cmd}\`: install it (apt-get install -y ${pkg}) or use --backend docker`);
  }
  if (process.getuid?.() !== 0) {
    throw new FaultlineError('the local backend needs root or unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1); run as root or use --backend docker');
  }
  const probe = await run(['ip', 'netns', 'list']);
  if (probe.exitCode !== 0) throw new FaultlineError(`cannot use network namespaces (${probe.stderr.trim()}); run as root or use --backend docker`);
}

/** True when this process should re-run itself in a user namespace to get namespace rights. */
export function needsUserNamespace(): boolean {
  return process.getuid?.() !== 0 && process.env[USERNS_ENV] !== '1';
}

/**
 * Re-runs the CLI with the same arguments inside a user+net+mount namespace and resolves
 * with its exit code. A private tmpfs on /run gives `ip netns` and iptables' lock a
 * writable place without touching the host's /run.
 */
export async function reexecInUserNamespace(argv: readonly string[]): Promise<number> {
  const ok = await run(['unshare', '--user', '--map-root-user', '--net', '--mount', 'true']).catch(() => undefined);
  if (!ok || ok.exitCode !== 0) {
    throw new FaultlineError('the local backend needs root or unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1); run as root or use --backend docker');
  }
  // The state directory ($XDG_RUNTIME_DIR/faultline) usually lives under /run, which the
  // tmpfs hides: it is opened first and bound back over the same path, so run records stay
  // where `faultline clean` outside looks (--no-canonicalize: the kernel resolves the fd).
  const state = ensureStateDir();
  const underRun = state.startsWith('/run/');
  const script = underRun
    ? 's="$1"; shift; exec 9<"$s" && mount -t tmpfs faultline /run && mkdir -p "$s" && mount --no-canonicalize --bind /proc/self/fd/9 "$s" && exec 9<&- && exec "$@"'
    : 'shift; mount -t tmpfs faultline /run && exec "$@"';
  return new Promise((resolve) => {
    const child = spawn('unshare', ['--user', '--map-root-user', '--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', state, process.execPath, ...process.execArgv, process.argv[1]!, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, [USERNS_ENV]: '1' },
    });
    // The child gets Ctrl-C from the terminal itself; we only wait for it.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 128 + 2 : 3));
    });
    child.on('error', () => resolve(3));
  });
}

/**
 * For a local node whose server must run as its own system user (`postgres`, `mysql`):
 * that user must exist, and the harness must be real root, since in Faultline's
 * user-namespace fallback only uid 0 is mapped and the switch would fail at the first
 * start with a cryptic error. `what` names the workload and `pkg` the Debian package.
 */
export function requireServiceUser(what: string, user: string, pkg: string): void {
  const read = (f: string): string => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  if (!new RegExp(`^${user}:`, 'm').test(read('/etc/passwd'))) throw new FaultlineError(`the ${what} workload needs the ${user} user that Debian's ${pkg} package creates: apt-get install -y ${pkg}`);
  const fullRoot = process.getuid?.() === 0 && /^0\s+0\s+4294967295$/.test(read('/proc/self/uid_map').trim());
  if (!fullRoot) throw new FaultlineError(`the ${what} workload on the local backend needs root (the server must run as the ${user} user): run it as root, or use --backend docker`);
}
