/**
 * The SSH backend: every node runs on a Linux host of its own (Jepsen's model), reached
 * with OpenSSH's client. Clients run on this machine and reach nodes by the hosts'
 * addresses; faults are commands run on the hosts (iptables, signals).
 *
 * Why OpenSSH's `ssh` and not the `ssh2` library (a dependency of dockerode): `ssh` reads
 * the user's own setup — ~/.ssh/config (jump hosts, aliases), the agent, known_hosts with
 * hashed names and @cert-authority lines — exactly as the user's own `ssh` does, so a host
 * that answers `ssh host` answers Faultline; its errors are the ones users know; and
 * ControlMaster multiplexing makes each command after the first a new channel on one
 * authenticated connection (a few ms), which is what ssh2 would give us, with none of its
 * key-format and host-key-verification code to own. The host key is always checked
 * (StrictHostKeyChecking=yes against known_hosts or `--known-hosts`), never added silently.
 *
 * Per node, on its host, a run directory `/tmp/faultline-<run>-<node>` holds everything:
 *
 *   pkg/       the package's dist/ and package.json, when the launch names files of this
 *              package (the built-in Node services): uploaded with tar over ssh, and the
 *              launch's paths rewritten to it. Programs outside the package (node itself,
 *              etcd, java) must be installed on the host at the path this machine uses;
 *              that is checked before anything starts.
 *   svc/       a workload file's service directory (the launch's cwd), uploaded the same
 *              way; the command runs there
 *   data/      the node's data directory (kept across kill and start)
 *   helpers/   one empty file per helper process (the latency proxy), named by its pid
 *   node.log   stdout and stderr, copied to `nodes/<node>.log` here at teardown
 *   pid        the pid of the node, which leads a session and process group of its own
 *              (started with setsid, stdin from /dev/null), so kill -9 / SIGSTOP / SIGCONT
 *              go to the group as on the local backend
 *   clock      the libfaketime offset file, when clock faults are on
 *
 * iptables chains: the fault packages name fixed chains (FAULTLINE, FAULTLINE-LOSS, …);
 * here they become `FAULTLINE…-<run>` on the host, so a host shared with other runs (or
 * with its own firewall) only ever loses rules of this run at heal and teardown, and
 * `faultline clean --hosts` can find a killed run's chains by its id.
 *
 * Teardown (bounded): kill the process group, copy the log, delete the run's chains and
 * jumps to them, remove the run directory, close the master connection.
 */
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { FaultlineError } from '../core/errors.js';
import { stateSubdir } from '../core/state-dir.js';
import { packageRoot } from '../core/paths.js';
import type { Cluster, ExecResult, HelperProcess, NodeAddress, NodeLaunch, SystemSpec } from './cluster.js';
import { fakeTimeEnv } from './faketime.js';
import { names } from './names.js';
import type { SshHost } from './ssh-hosts.js';

interface SshClusterOptions {
  runId: string;
  nodes: readonly string[];
  system: SystemSpec;
  /** One per node, in node order. */
  hosts: readonly SshHost[];
  /** Directory for node logs: `<logDir>/<node>.log`. */
  logDir: string;
  /** Private key (`-i`); default: the agent and ssh's default keys. */
  key?: string;
  /** known_hosts file to check host keys against; default: ssh's (~/.ssh/known_hosts). */
  knownHosts?: string;
  /** Run commands on the hosts through `sudo -n` (the login is not root). */
  sudo?: boolean;
  readyTimeoutMs?: number;
  /** Seconds to wait for a host's TCP connection (default 5). */
  connectTimeoutS?: number;
  fakeTime?: boolean;
  log?: (msg: string) => void;
}

/** Single-quotes a word for a POSIX shell. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The remote run directory of a node. */
export function remoteRunDir(runId: string, node: string): string {
  return `/tmp/faultline-${runId}-${node}`;
}

/** Fault chains (FAULTLINE, FAULTLINE-LOSS, FAULTLINE-LAT) carry the run id on a shared host. */
export function runChain(chain: string, runId: string): string {
  return `${chain}-${runId}`;
}
const CHAIN_ARG = /^FAULTLINE(-[A-Z]+)*$/;

/**
 * The shell script that removes everything a run left on a host: the node's process group,
 * the run's iptables chains (and the jumps to them), the run directory. Prints the node's
 * log first (when `printLog`), so teardown copies it in the same round trip.
 */
export function cleanupScript(runId: string, dir: string, printLog: boolean): string {
  if (!/^[0-9a-f]{6}$/.test(runId)) throw new Error(`not a run id: ${runId}`);
  return [
    `D=${shq(dir)}`,
    `if [ -f "$D/pid" ]; then P=$(cat "$D/pid"); kill -s CONT -- "-$P" 2>/dev/null; kill -s KILL -- "-$P" 2>/dev/null; fi`,
    `for f in "$D"/helpers/*; do [ -f "$f" ] && kill -s KILL -- "-\${f##*/}" 2>/dev/null; done`,
    printLog ? `[ -f "$D/node.log" ] && cat "$D/node.log"` : ':',
    `if command -v iptables >/dev/null 2>&1; then for t in filter nat mangle raw; do`,
    `  iptables -w -t $t -S 2>/dev/null | grep -E -- '-j FAULTLINE[A-Z-]*-${runId}( |$)' | sed 's/^-A /-D /' | while read -r r; do eval "iptables -w -t $t $r"; done`,
    `  for c in $(iptables -w -t $t -S 2>/dev/null | awk '$1=="-N" && $2 ~ /^FAULTLINE[A-Z-]*-${runId}$/ {print $2}'); do iptables -w -t $t -F "$c"; iptables -w -t $t -X "$c"; done`,
    `done; fi`,
    `rm -rf "$D"`,
    'true',
  ].join('\n');
}

interface NodeState {
  host: SshHost;
  ip: string;
  dir: string;
  /** Set when the first connection failed: later commands fail at once instead of waiting. */
  unreachable?: string;
  /** The ssh session that returns when the node's process is gone. */
  watcher?: ResultPromise;
  watched?: Promise<void>;
  pid?: number;
  /** Whether the run directory may exist on the host (teardown removes it). */
  touched: boolean;
}

/**
 * This machine's directory of a run's ssh control sockets: in the state directory (only
 * its owner can enter it, so nobody else can plant or reach a master connection), not in
 * the shared temp dir. Without `create`, undefined when it does not exist.
 */
export function controlDir(runId: string, create: boolean): string | undefined {
  const sub = stateSubdir('ssh', create);
  return sub === undefined ? undefined : join(sub, runId);
}

export class SshCluster implements Cluster {
  readonly backend = 'ssh' as const;
  readonly runId: string;
  readonly nodes: readonly string[];
  private readonly state = new Map<string, NodeState>();
  /** Local directory of the control sockets (named like the local backend's temp dir, so `faultline clean` removes a leftover). */
  private readonly ctlDir: string;
  private stopping = false;
  private setupDone: Promise<void> = Promise.resolve();
  /** Launch paths under this package are rewritten to the uploaded copy. */
  private uploads = false;
  /** Nodes whose host has the package's copy (for helpers such as the latency proxy). */
  private readonly uploaded = new Set<string>();
  /**
   * The directory a launch runs in (a workload file's service directory), copied to
   * "$D/svc" on each host and its paths rewritten there; none for the built-in services.
   */
  private serviceDir: string | undefined;
  private readonly svcUploaded = new Set<string>();
  readonly setClock?: (node: string, offsetSeconds: number) => Promise<void>;

  constructor(private readonly opts: SshClusterOptions) {
    this.runId = opts.runId;
    this.nodes = opts.nodes;
    this.ctlDir = controlDir(opts.runId, true)!;
    if (opts.hosts.length < opts.nodes.length) {
      throw new FaultlineError(`--backend ssh: ${opts.nodes.length} nodes but ${opts.hosts.length} host(s); give a host per node or --nodes ${opts.hosts.length}`, 4);
    }
    opts.nodes.forEach((node, i) => this.state.set(node, { host: opts.hosts[i]!, ip: '', dir: remoteRunDir(opts.runId, node), touched: false }));
    if (opts.fakeTime) this.setClock = (node, offset) => this.writeClock(node, offset);
  }

  private node(node: string): NodeState {
    const s = this.state.get(node);
    if (!s) throw new FaultlineError(`unknown node ${node} (nodes: ${this.nodes.join(', ')})`);
    return s;
  }

  private where(node: string): string {
    const h = this.node(node).host;
    return `${node} (${h.user}@${h.host}:${h.port})`;
  }

  /** ssh's options for a node: batch mode, strict host keys, the shared master connection. */
  private sshArgs(node: string, extra: readonly string[] = []): string[] {
    return sshArgv(this.node(node).host, this.opts, ['-o', `ControlPath=${join(this.ctlDir, `${node}.ctl`)}`, ...extra]);
  }

  /** Wraps a script for the host: `sh -c`, through `sudo -n` when asked. */
  private remote(script: string): string {
    return remoteCommand(script, this.opts.sudo);
  }

  /** Runs a shell script on the node's host over the master connection. */
  private async sh(node: string, script: string, opts: { timeoutMs?: number; input?: string; inputFile?: string } = {}): Promise<ExecResult> {
    const s = this.node(node);
    if (s.unreachable) return { exitCode: 255, stdout: '', stderr: s.unreachable };
    const r = await execa('ssh', [...this.sshArgs(node, ['-o', 'ControlMaster=no']), '--', this.remote(script)], {
      reject: false,
      timeout: opts.timeoutMs ?? 30_000,
      ...(opts.input !== undefined ? { input: opts.input } : opts.inputFile !== undefined ? { inputFile: opts.inputFile } : { stdin: 'ignore' as const }),
    });
    if (r.timedOut) return { exitCode: 255, stdout: String(r.stdout ?? ''), stderr: `timed out after ${opts.timeoutMs ?? 30_000} ms` };
    return { exitCode: r.exitCode ?? 255, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  }

  /** Like `sh`, but a non-zero exit is a one-line error naming the host. */
  private async mustSh(node: string, script: string, what: string, opts?: { timeoutMs?: number; input?: string }): Promise<string> {
    const r = await this.sh(node, script, opts);
    if (r.exitCode !== 0) throw new FaultlineError(`ssh ${this.where(node)}: ${what} failed (exit ${r.exitCode}): ${firstLine(r.stderr || r.stdout)}`);
    return r.stdout;
  }

  setup(): Promise<void> {
    this.setupDone = this.doSetup();
    return this.setupDone;
  }

  private async doSetup(): Promise<void> {
    mkdirSync(this.ctlDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.opts.logDir, { recursive: true });
    // Every host reachable (and sudo working) before anything is started anywhere; the
    // package's tarball is made meanwhile, in case the launch needs it.
    const tarball = this.packageTarball();
    tarball.catch(() => undefined);
    const t0 = Date.now();
    const connected = await Promise.allSettled(this.nodes.map((n) => this.connect(n)));
    const failed = connected.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    this.checkStopping();
    const ips = new Map(this.nodes.map((n) => [n, this.ip(n)] as const));
    // Every node listens on the system's one port, and partitions filter by address.
    const twin = this.nodes.find((n, i) => this.nodes.findIndex((m) => this.ip(m) === this.ip(n)) !== i);
    if (twin !== undefined) {
      const first = this.nodes.find((m) => this.ip(m) === this.ip(twin))!;
      throw new FaultlineError(`--hosts: ${first} and ${twin} are both at ${this.ip(twin)}; give each node a host (an address) of its own`, 4);
    }
    const launches = new Map(this.nodes.map((n) => [n, this.launchOf(n, ips)] as const));
    this.uploads = [...launches.values()].some((l) => mentionsPackage(l));
    const cwd = launches.get(this.nodes[0]!)!.cwd;
    if (cwd !== undefined && isAbsolute(cwd) && existsSync(cwd) && statSync(cwd).isDirectory() && !cwd.startsWith(join(packageRoot, 'dist'))) this.serviceDir = cwd.replace(/\/+$/, '');
    const t1 = Date.now();
    await Promise.all(this.nodes.map((n) => this.prepareHost(n, launches.get(n)!)));
    this.checkStopping();
    const t2 = Date.now();
    await Promise.all(this.nodes.map((n) => this.start(n)));
    this.opts.log?.(`ssh hosts: connected in ${t1 - t0} ms, prepared${this.uploads ? ' (package uploaded)' : ''} in ${t2 - t1} ms, nodes ready in ${Date.now() - t2} ms`);
  }

  private checkStopping(): void {
    if (this.stopping) throw new FaultlineError('setup interrupted');
  }

  /** Opens the node's master connection; an unreachable host, a refused key or a bad host key is one line. */
  private async connect(node: string): Promise<void> {
    const s = this.node(node);
    s.ip = await resolveIp(s.host.host).catch(() => {
      s.unreachable = 'cannot resolve';
      throw new FaultlineError(`ssh ${this.where(node)}: cannot resolve host name ${s.host.host}`);
    });
    // The master is started on its own (-f -N) with its stderr in a file: a master forked
    // by an ordinary session would keep that session's pipes open after it returns.
    // (A descriptor, not execa's `{file}`, which pipes through this process and so would
    // wait for the master to close it.)
    const errFile = join(this.ctlDir, `${node}.err`);
    const errFd = openSync(errFile, 'w');
    const r = await new Promise<{ exitCode: number | null; timedOut: boolean }>((resolve) => {
      const p = spawn('ssh', this.sshArgs(node, ['-o', 'ControlMaster=yes', '-o', 'ControlPersist=30', '-f', '-N']), { stdio: ['ignore', 'ignore', errFd] });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        p.kill('SIGKILL');
      }, ((this.opts.connectTimeoutS ?? 5) + 10) * 1000);
      p.once('error', () => resolve({ exitCode: 255, timedOut }));
      p.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code, timedOut });
      });
    }).finally(() => closeSync(errFd));
    if (r.exitCode !== 0) {
      const err = existsSync(errFile) ? readFileSync(errFile, 'utf8') : '';
      s.unreachable = sshFailure(err, this.opts) ?? (r.timedOut ? 'timed out connecting' : firstLine(err) || `ssh exited ${r.exitCode}`);
      throw new FaultlineError(`ssh ${this.where(node)}: ${s.unreachable}`);
    }
    if (this.opts.sudo) {
      const r2 = await this.sh(node, 'true', { timeoutMs: 10_000 });
      if (r2.exitCode !== 0) {
        const why = /sudo: (command )?not found/.test(r2.stderr)
          ? 'sudo is not installed there (apt-get install -y sudo), or log in as root without --sudo'
          : `sudo -n does not work for ${s.host.user} (${firstLine(r2.stderr) || `exit ${r2.exitCode}`}); allow passwordless sudo for that user, or log in as root without --sudo`;
        s.unreachable = why;
        throw new FaultlineError(`ssh ${this.where(node)}: ${why}`);
      }
    }
  }

  private launchOf(node: string, ips: ReadonlyMap<string, string>): NodeLaunch {
    const s = this.node(node);
    // SystemContext.backend is 'local' for ssh nodes: a program on a Linux host, by host paths.
    return this.opts.system.launch({ node, ips, port: this.opts.system.port, dataDir: `${s.dir}/data`, backend: 'local' });
  }

  /** Run directory, the package's files when the launch needs them, and a check that the program exists there. */
  private async prepareHost(node: string, launch: NodeLaunch): Promise<void> {
    const s = this.node(node);
    s.touched = true;
    const clock = this.opts.fakeTime ? `printf '+0\\n' > "$D/clock"; [ -e ${shq(fakeTimeEnv('').LD_PRELOAD!)} ] || { echo "no ${fakeTimeEnv('').LD_PRELOAD} (apt-get install -y libfaketime)" >&2; exit 5; }` : ':';
    const first = [`D=${shq(s.dir)}`, 'mkdir -p "$D/data" || exit 4', clock].join('\n');
    await this.mustSh(node, first, 'preparing the run directory');
    if (this.uploads) await this.upload(node, `D=${shq(s.dir)}\nmkdir -p "$D/pkg" && tar -C "$D/pkg" -xzf -`);
    if (this.serviceDir !== undefined) {
      const r = await execa('ssh', [...this.sshArgs(node, ['-o', 'ControlMaster=no']), '--', this.remote(`D=${shq(s.dir)}\nmkdir -p "$D/svc" && tar -C "$D/svc" -xzf -`)], { reject: false, timeout: 120_000, input: await this.serviceTarball(this.serviceDir) });
      if (r.exitCode !== 0) throw new FaultlineError(`ssh ${this.where(node)}: uploading ${this.serviceDir} failed (exit ${r.exitCode}): ${firstLine(String(r.stderr)) || 'no message'}`);
      this.svcUploaded.add(node);
    }
    const program = this.rewrite(node, launch.command);
    const check = program.includes('/')
      ? `[ -x ${shq(program)} ] || { echo "no program ${program} on the host (install it there at that path)" >&2; exit 5; }`
      : `command -v ${shq(program)} >/dev/null || { echo "no ${program} on the host's PATH (install it there)" >&2; exit 5; }`;
    await this.mustSh(node, `cd ${shq(launch.cwd !== undefined ? this.rewrite(node, launch.cwd) : `${s.dir}/data`)} && ${check}`, `checking for ${launch.command}`);
  }

  private serviceTar: Promise<Uint8Array> | undefined;

  /** The service's own directory (a workload file's `cwd`), gzipped; made once per cluster. */
  private serviceTarball(dir: string): Promise<Uint8Array> {
    this.serviceTar ??= execa('tar', ['-C', dir, '-I', 'gzip -1', '-cf', '-', '.'], { stdin: 'ignore', encoding: 'buffer', stripFinalNewline: false }).then((r) => r.stdout);
    return this.serviceTar;
  }

  /** Runs `script` (which unpacks its stdin into "$D/pkg") with the package's tarball as input. */
  private async upload(node: string, script: string): Promise<void> {
    const r = await execa('ssh', [...this.sshArgs(node, ['-o', 'ControlMaster=no']), '--', this.remote(script)], { reject: false, timeout: 120_000, input: await this.packageTarball() });
    if (r.exitCode !== 0) throw new FaultlineError(`ssh ${this.where(node)}: uploading ${packageRoot}/dist failed (exit ${r.exitCode}): ${firstLine(String(r.stderr)) || 'no message'}`);
    this.uploaded.add(node);
  }

  private tarball: Promise<Uint8Array> | undefined;

  /** dist/ and package.json (which says the .js files are ES modules), gzipped; made once per cluster. */
  private packageTarball(): Promise<Uint8Array> {
    // Only what runs: no source maps, type declarations or benchmarks.
    this.tarball ??= execa('tar', ['-C', packageRoot, '-I', 'gzip -1', '--exclude=*.map', '--exclude=*.d.ts', '--exclude=dist/bench', '-cf', '-', 'dist', 'package.json'], { stdin: 'ignore', encoding: 'buffer', stripFinalNewline: false }).then((r) => r.stdout);
    return this.tarball;
  }

  /** A path of this package becomes the same path under the node's uploaded copy. */
  private rewrite(node: string, word: string): string {
    const d = this.node(node).dir;
    // The service directory first: it may lie inside this package (the examples).
    if (this.serviceDir !== undefined && this.svcUploaded.has(node)) {
      word = word === this.serviceDir ? `${d}/svc` : word.split(this.serviceDir + '/').join(`${d}/svc/`);
    }
    if (this.uploaded.has(node)) word = word.split(packageRoot + '/').join(`${d}/pkg/`);
    return word;
  }

  async start(node: string): Promise<void> {
    const s = this.node(node);
    if (this.isRunning(node)) return;
    const ips = new Map(this.nodes.map((n) => [n, this.ip(n)] as const));
    const launch = this.launchOf(node, ips);
    const env = { ...launch.env, ...(this.opts.fakeTime ? fakeTimeEnv(`${s.dir}/clock`) : {}) };
    const words = [launch.command, ...launch.args].map((w) => shq(this.rewrite(node, w)));
    const envWords = Object.entries(env).map(([k, v]) => shq(`${k}=${this.rewrite(node, v)}`));
    const cwd = launch.cwd !== undefined ? this.rewrite(node, launch.cwd) : `${s.dir}/data`;
    // setsid in a non-interactive shell's background job does not fork (the job is not a
    // group leader), so $! is the node's own pid, leading its own session and group.
    const script = [
      `D=${shq(s.dir)}`,
      `cd ${shq(cwd)} || exit 4`,
      `setsid env ${envWords.join(' ')} ${words.join(' ')} >>"$D/node.log" 2>&1 </dev/null &`,
      'echo $! > "$D/pid"',
      'echo $!',
    ].join('\n');
    const pid = Number((await this.mustSh(node, script, `starting ${launch.command}`)).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new FaultlineError(`ssh ${this.where(node)}: starting ${launch.command} gave no pid`);
    s.pid = pid;
    // A session that lasts as long as the process: isRunning() without a round trip.
    const watcher = execa('ssh', [...this.sshArgs(node, ['-o', 'ControlMaster=no']), '--', this.remote(`while [ -e /proc/${pid} ] && ! grep -q '^State:.*Z' /proc/${pid}/status 2>/dev/null; do sleep 0.2; done`)], {
      reject: false,
      stdin: 'ignore',
    });
    s.watcher = watcher;
    s.watched = watcher.then(() => undefined, () => undefined);
    this.opts.log?.(`started ${node} (pid ${pid}) on ${s.host.host} at ${s.ip}, in ${cwd}`);
    await this.waitReady(node);
  }

  private async waitReady(node: string): Promise<void> {
    const limitMs = this.opts.readyTimeoutMs ?? this.opts.system.readyTimeoutMs ?? 20_000;
    const deadline = Date.now() + limitMs;
    const address = this.address(node);
    let copied = 0;
    while (Date.now() < deadline) {
      this.checkStopping();
      if (!this.isRunning(node)) {
        await this.copyLog(node);
        throw new FaultlineError(`node ${node} on ${this.node(node).host.host} exited while starting; last log lines: ${tail(this.logs(node), 3)}`);
      }
      if (await this.opts.system.ready(address, { node, logFile: this.logs(node) }).catch(() => false)) return;
      // Probes that read the log see a copy refreshed about once a second.
      if (Date.now() - copied > 1000) {
        await this.copyLog(node);
        copied = Date.now();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.copyLog(node);
    throw new FaultlineError(`node ${node} on ${this.node(node).host.host} was not ready within ${limitMs / 1000} s; see ${this.logs(node)}`);
  }

  private async copyLog(node: string): Promise<void> {
    const r = await this.sh(node, `cat ${shq(`${this.node(node).dir}/node.log`)} 2>/dev/null; true`, { timeoutMs: 10_000 });
    if (r.exitCode === 0) writeFileSync(this.logs(node), r.stdout);
  }

  /** Sends a signal to the node's process group. */
  private async signal(node: string, sig: 'KILL' | 'STOP' | 'CONT'): Promise<void> {
    const s = this.node(node);
    if (s.pid === undefined) return;
    const r = await this.sh(node, `kill -s ${sig} -- -${s.pid}`, { timeoutMs: 10_000 });
    // A group already gone is fine (the node died on its own); anything else is not.
    if (r.exitCode !== 0 && !/No such process/i.test(r.stderr)) throw new FaultlineError(`ssh ${this.where(node)}: kill -s ${sig} of process group ${s.pid} failed: ${firstLine(r.stderr) || `exit ${r.exitCode}`}`);
  }

  async kill(node: string): Promise<void> {
    const s = this.node(node);
    if (!this.isRunning(node)) return;
    await this.signal(node, 'KILL');
    await Promise.race([s.watched, new Promise((r) => setTimeout(r, 10_000))]);
  }

  pause(node: string): Promise<void> {
    return this.signal(node, 'STOP');
  }

  resume(node: string): Promise<void> {
    return this.signal(node, 'CONT');
  }

  isRunning(node: string): boolean {
    const w = this.node(node).watcher;
    return w !== undefined && w.exitCode === null && w.signalCode === null;
  }

  exec(node: string, cmd: readonly string[]): Promise<ExecResult> {
    return this.netExec(node, cmd);
  }

  /** The command on the host; fault chains get the run id (see the file's comment). */
  netExec(node: string, cmd: readonly string[]): Promise<ExecResult> {
    const words = cmd[0] === 'iptables' ? cmd.map((w) => (CHAIN_ARG.test(w) ? runChain(w, this.runId) : w)) : cmd;
    return this.sh(node, words.map(shq).join(' '));
  }

  /** Starts a helper (the latency proxy) on the node's host, detached like the node, until stopped or teardown. */
  async spawnNet(node: string, cmd: readonly string[]): Promise<HelperProcess> {
    const s = this.node(node);
    if (!this.uploaded.has(node) && cmd.some((w) => w.includes(packageRoot + '/'))) {
      await this.upload(node, `D=${shq(s.dir)}\nmkdir -p "$D/pkg" && tar -C "$D/pkg" -xzf -`);
    }
    const words = cmd.map((w) => shq(this.rewrite(node, w)));
    const script = [
      `D=${shq(s.dir)}`,
      'mkdir -p "$D/helpers" || exit 4',
      `setsid ${words.join(' ')} >>"$D/node.log" 2>&1 </dev/null &`,
      ': > "$D/helpers/$!"',
      'echo $!',
    ].join('\n');
    const pid = Number((await this.mustSh(node, script, `starting ${cmd[0] ?? ''}`)).trim());
    return {
      stop: async () => {
        await this.sh(node, `kill -s TERM -- -${pid} 2>/dev/null; rm -f ${shq(`${s.dir}/helpers/${pid}`)}`, { timeoutMs: 10_000 });
      },
    };
  }

  private async writeClock(node: string, offsetSeconds: number): Promise<void> {
    const text = `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}`;
    await this.mustSh(node, `printf '%s\\n' ${shq(text)} > ${shq(`${this.node(node).dir}/clock`)}`, 'setting the clock offset');
  }

  logs(node: string): string {
    return join(this.opts.logDir, `${node}.log`);
  }

  address(node: string): NodeAddress {
    return { host: this.ip(node), port: this.opts.system.port };
  }

  ip(node: string): string {
    return this.node(node).ip;
  }

  async teardown(): Promise<void> {
    this.stopping = true;
    await this.setupDone.catch(() => undefined);
    // Each host gets a bounded time: an unanswering host must not hold the run forever.
    const bounded = (p: Promise<void>) => Promise.race([p, new Promise<void>((r) => setTimeout(r, 40_000).unref())]);
    await Promise.all(
      this.nodes.map(async (node) => bounded((async () => {
        const s = this.node(node);
        if (s.touched && !s.unreachable) {
          const r = await this.sh(node, cleanupScript(this.runId, s.dir, true), { timeoutMs: 20_000 });
          if (r.exitCode === 0) writeFileSync(this.logs(node), r.stdout);
          else this.opts.log?.(`teardown of ${node} on ${s.host.host} failed: ${firstLine(r.stderr)}`);
        }
        s.watcher?.kill('SIGKILL');
        await s.watched;
        s.watcher = undefined;
        s.pid = undefined;
        s.touched = false;
        // Also where sudo failed after the connection was made: its master is up.
        if (existsSync(join(this.ctlDir, `${node}.ctl`))) {
          await execa('ssh', [...this.sshArgs(node, ['-O', 'exit'])], { reject: false, stdin: 'ignore', timeout: 5000 });
        }
      })())),
    );
    rmSync(this.ctlDir, { recursive: true, force: true });
    this.stopping = false;
  }
}

/** A script as the remote command: `sh -c`, through `sudo -n` when asked. */
export function remoteCommand(script: string, sudo: boolean | undefined): string {
  return `${sudo ? 'sudo -n ' : ''}sh -c ${shq(script)}`;
}

/** How Faultline logs in to a host. */
export interface SshLogin {
  key?: string | undefined;
  knownHosts?: string | undefined;
  sudo?: boolean | undefined;
  connectTimeoutS?: number | undefined;
}

/** ssh's arguments up to the host: batch mode (never a prompt), host keys always checked. */
export function sshArgv(h: SshHost, o: SshLogin, extra: readonly string[] = []): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    ...(o.knownHosts ? ['-o', `UserKnownHostsFile=${o.knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null'] : []),
    ...(o.key ? ['-i', o.key, '-o', 'IdentitiesOnly=yes'] : []),
    '-o', `ConnectTimeout=${o.connectTimeoutS ?? 5}`,
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'LogLevel=ERROR',
    ...extra,
    '-p', String(h.port),
    '-l', h.user,
    h.host,
  ];
}

/** Whether a launch names files of this package (then the package is uploaded). */
function mentionsPackage(l: NodeLaunch): boolean {
  const words = [l.command, ...l.args, ...(l.cwd !== undefined ? [l.cwd] : []), ...Object.values(l.env ?? {})];
  return words.some((w) => w.includes(packageRoot + '/'));
}

async function resolveIp(host: string): Promise<string> {
  if (isIP(host)) return host;
  return (await lookup(host, { family: 4 })).address;
}

/** The cause of a failed connection in a few words, from ssh's stderr. */
export function sshFailure(stderr: string, o: { key?: string | undefined; knownHosts?: string | undefined }): string | undefined {
  const kh = o.knownHosts ?? join(homedir(), '.ssh/known_hosts');
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) return `host key mismatch: the host's key differs from the one in ${kh}; if the host was reinstalled, replace its line there`;
  if (/No .*host key is known|Host key verification failed/i.test(stderr)) return `host key unknown or mismatched (checked against ${kh}); add the host's key there (ssh-keyscan) after verifying it`;
  if (/Permission denied/i.test(stderr)) return `authentication refused (${o.key ? `key ${o.key}` : 'agent and default keys'}): wrong key, or not in the user's authorized_keys`;
  if (/Connection refused/i.test(stderr)) return 'unreachable: connection refused (no sshd on that port?)';
  if (/Connection timed out|timed out/i.test(stderr)) return 'unreachable: connection timed out';
  if (/No route to host|Network is unreachable/i.test(stderr)) return 'unreachable: no route to host';
  if (/Could not resolve hostname/i.test(stderr)) return 'unreachable: cannot resolve host name';
  if (/Load key|invalid format|No such file/i.test(stderr) && o.key) return `cannot use --ssh-key ${o.key}: ${firstLine(stderr)}`;
  return undefined;
}

function firstLine(s: string): string {
  return s.trim().split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

function tail(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join(' | ');
  } catch {
    return '(no log)';
  }
}
