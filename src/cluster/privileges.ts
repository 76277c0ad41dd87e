/**
 * The local backend needs to create network namespaces and iptables rules. As root that
 * is direct. As a normal user, the CLI re-runs itself inside
 * `unshare --user --map-root-user --net --mount`, where it is root over namespaces of its
 * own (and a private /run for `ip netns`). Where neither works, one line says so.
 */
import { spawn } from 'node:child_process';
import { FaultlineError } from '../core/errors.js';
import { run } from './sh.js';

export const USERNS_ENV = 'FAULTLINE_IN_USERNS';

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
  const script = 'mount -t tmpfs faultline /run && exec "$@"';
  return new Promise((resolve) => {
    const child = spawn('unshare', ['--user', '--map-root-user', '--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', process.execPath, ...process.execArgv, process.argv[1]!, ...argv], {
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
