/**
 * The embedded default backend: every node is a local process in its own Linux network
 * namespace, with its own IP on a bridge that lives in a hub namespace of the run (never a
 * bridge in the harness' own namespace). The harness reaches the nodes through one veth
 * pair into the hub. Partitions are iptables rules inside node namespaces, so they filter
 * node-to-node traffic while the harness' clients still reach every node (as in Jepsen,
 * where the control node is never partitioned).
 *
 *   harness ns: flXXXXXXh (10.213.S.1) ── veth ── hub ns: br0 ── veth ── fl-XXXXXX-n1: eth0 (10.213.S.11)
 *                                                          └──── veth ── fl-XXXXXX-n2: eth0 (10.213.S.12) …
 *
 * Requires root (or the user-namespace wrapper in `privileges.ts`, which makes us root in
 * a namespace of our own).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { forgetResources, isRunLive, recordResource } from './live-runs.js';
import { readStateFile, removeOwnDir, stateSubdir, writeStateFile } from '../core/state-dir.js';
import { fakeTimeEnv } from './faketime.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultlineError } from '../core/errors.js';
import type { Cluster, ExecResult, HelperProcess, NodeAddress, SystemSpec } from './cluster.js';
import { names } from './names.js';
import { must, run } from './sh.js';
import { waitUntilReady } from './readiness.js';
import { hasExited, pidsInNamespace, pidsWithEnv, settlesWithin, signalGroup, signalPid, spawnToLog, trackNamespace, untrackNamespace, type LoggedProcess } from './process-group.js';

/** In the environment of every process of a node: `<runId>/<node>`, so what left its process group is still found. */
const NODE_MARK = 'FAULTLINE_NODE';
/** How long teardown lets nodes stop on SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 2000;
/** How long teardown waits for processes to die after SIGKILL before giving up on them. */
const KILL_WAIT_MS = 5000;
/** How long teardown waits for a setup still in progress to notice it is stopping. */
const SETUP_WAIT_MS = 10_000;

interface LocalClusterOptions {
  runId: string;
  nodes: readonly string[];
  system: SystemSpec;
  /** Directory for node logs: `<logDir>/<node>.log`. */
  logDir: string;
  /** How long a node may take to become ready. */
  readyTimeoutMs?: number;
  /** Launch nodes under libfaketime so clock faults can skew them (see setClock). */
  fakeTime?: boolean;
  log?: (msg: string) => void;
  /** Problems a person should see (teardown giving up on a process). Defaults to `log`. */
  warn?: (msg: string) => void;
}

interface TeardownOptions {
  /** Skip the SIGTERM grace and any wait for setup: SIGKILL everything now (a second Ctrl-C). */
  force?: boolean;
}

interface NodeState {
  ns: string;
  /** Position in the node list: the node's IP is subnet.(11 + index). */
  index: number;
  dataDir: string;
  proc?: LoggedProcess;
}

export class LocalCluster implements Cluster {
  readonly backend = 'local' as const;
  readonly runId: string;
  readonly nodes: readonly string[];
  private readonly state = new Map<string, NodeState>();
  /** "10.213.X": the run's /24, chosen at setup among those no route uses. */
  private subnet = '';
  /** The claim file that reserves `subnet` for this run (see claimSubnet). */
  private subnetClaim: string | undefined;
  private readonly hub: string;
  /** Node data dirs and clock files; made by mkdtemp at setup (an unpredictable name). */
  private tempRoot = '';
  private created = false;
  /** Set by teardown so a setup still in progress (Ctrl-C while starting) stops early. */
  private stopping = false;
  private setupDone: Promise<void> = Promise.resolve();

  /** Present only when nodes run under libfaketime (clock faults requested). */
  readonly setClock?: (node: string, offsetSeconds: number) => Promise<void>;

  constructor(private readonly opts: LocalClusterOptions) {
    if (opts.fakeTime) this.setClock = (node, offset) => this.writeClock(node, offset);
    this.runId = opts.runId;
    this.nodes = opts.nodes;
    this.hub = names.hubNs(opts.runId);
    opts.nodes.forEach((node, i) => {
      this.state.set(node, {
        ns: names.nodeNs(opts.runId, node),
        index: i,
        dataDir: '',
      });
    });
  }

  private node(node: string): NodeState {
    const s = this.state.get(node);
    if (!s) throw new FaultlineError(`unknown node ${node} (nodes: ${this.nodes.join(', ')})`);
    return s;
  }

  setup(): Promise<void> {
    this.setupDone = this.doSetup();
    return this.setupDone;
  }

  private async doSetup(): Promise<void> {
    this.created = true;
    const hostVeth = names.hostVeth(this.runId);
    // Everything is recorded before it is created, so `faultline clean` knows all of it.
    // The temp dir comes from mkdtemp: a predictable name in the shared temp dir could be
    // a symlink someone else planted. 0755 so nodes that run as their own user (postgres)
    // reach their data dirs, as before.
    this.tempRoot = mkdtempSync(join(tmpdir(), names.tempDirPrefix(this.runId)));
    recordResource(this.runId, { kind: 'dir', path: this.tempRoot });
    chmodSync(this.tempRoot, 0o755);
    for (const s of this.state.values()) s.dataDir = join(this.tempRoot, this.nodes[s.index]!);
    recordResource(this.runId, { kind: 'netns', name: this.hub });
    recordResource(this.runId, { kind: 'link', name: hostVeth });
    trackNamespace(this.hub);
    await must(['ip', 'netns', 'add', this.hub]);
    await must(['ip', '-n', this.hub, 'link', 'set', 'lo', 'up']);
    await must(['ip', '-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge']);
    await must(['ip', '-n', this.hub, 'link', 'set', 'br0', 'up']);
    // The harness' way in: one end here, the other on the hub's bridge.
    await must(['ip', 'link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'up0', 'netns', this.hub]);
    await must(['ip', '-n', this.hub, 'link', 'set', 'up0', 'master', 'br0', 'up']);
    await this.claimSubnet(hostVeth);
    await must(['ip', 'link', 'set', hostVeth, 'up']);
    for (const node of this.nodes) {
      if (this.stopping) throw new FaultlineError('setup interrupted');
      const s = this.node(node);
      recordResource(this.runId, { kind: 'netns', name: s.ns });
      trackNamespace(s.ns);
      await must(['ip', 'netns', 'add', s.ns]);
      await must(['ip', '-n', s.ns, 'link', 'set', 'lo', 'up']);
      // Create the pair inside the hub with its peer directly in the node's namespace, so
      // no interface of a node ever appears in the harness' namespace.
      await must(['ip', '-n', this.hub, 'link', 'add', `v-${node}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', s.ns]);
      await must(['ip', '-n', this.hub, 'link', 'set', `v-${node}`, 'master', 'br0', 'up']);
      await must(['ip', '-n', s.ns, 'addr', 'add', `${this.ip(node)}/24`, 'dev', 'eth0']);
      await must(['ip', '-n', s.ns, 'link', 'set', 'eth0', 'up']);
      mkdirSync(s.dataDir, { recursive: true });
      if (this.opts.fakeTime) writeFileSync(this.clockFile(node), '+0\n');
    }
    mkdirSync(this.opts.logDir, { recursive: true });
    await Promise.all(this.nodes.map((n) => this.start(n)));
  }

  /**
   * Picks a /24 in 10.213.0.0/16 that no route uses (starting from one derived from the run
   * id) and puts the harness' end on it. Concurrent runs may look at the routes at the same
   * moment, so a subnet is claimed first with an atomic mkdir of
   * `<state dir>/subnets/<X>` (core/state-dir.ts); a claim whose run is gone and whose subnet has no route
   * is stale and taken over.
   */
  private async claimSubnet(hostVeth: string): Promise<void> {
    const start = parseInt(this.runId.slice(0, 2), 16);
    const routes = (await run(['ip', '-4', 'route', 'show'])).stdout.split('\n');
    const wide = routes.find((l) => l.startsWith('10.213.0.0/16') || l.startsWith('10.0.0.0/8'));
    if (wide) throw new FaultlineError(`the route "${wide.trim()}" covers 10.213.0.0/16, where the local backend puts its nodes; remove it or use --backend docker`);
    const used = new Set(routes.map((l) => /^10\.213\.(\d+)\./.exec(l)?.[1]).filter((x): x is string => x !== undefined).map(Number));
    const claims = stateSubdir('subnets', true)!;
    for (let k = 0; k < 254; k++) {
      const x = ((start + k) % 254) + 1;
      if (used.has(x)) continue;
      const claim = join(claims, String(x));
      if (!tryClaim(claim, this.runId)) continue;
      recordResource(this.runId, { kind: 'subnet', path: claim });
      this.subnetClaim = claim;
      this.subnet = `10.213.${x}`;
      await must(['ip', 'addr', 'add', `${this.subnet}.1/24`, 'dev', hostVeth]);
      return;
    }
    throw new FaultlineError('no free /24 left in 10.213.0.0/16 for the local backend; run `faultline clean`');
  }

  async start(node: string): Promise<void> {
    const s = this.node(node);
    if (this.isRunning(node)) return;
    const ips = new Map(this.nodes.map((n) => [n, this.ip(n)] as const));
    const launch = this.opts.system.launch({ node, ips, port: this.opts.system.port, dataDir: s.dataDir, backend: 'local' });
    const logFile = this.logs(node);
    const env = { ...process.env, ...launch.env, ...(this.opts.fakeTime ? fakeTimeEnv(this.clockFile(node)) : {}), [NODE_MARK]: this.mark(node) };
    // `ip netns exec` execs the program after entering the namespace, so the pid we hold
    // is the node's own pid, and as a group leader it holds everything the node forks:
    // kill, pause and resume signal the whole group. Output goes to the log file directly,
    // so nothing the node leaves behind can hold the harness waiting on a pipe.
    const proc = spawnToLog('ip', ['netns', 'exec', s.ns, launch.command, ...launch.args], {
      logFile,
      env,
      ...(launch.cwd !== undefined ? { cwd: launch.cwd } : {}),
      group: true,
    });
    s.proc = proc;
    this.opts.log?.(`started ${node} (pid ${proc.pid}) in ${s.ns} at ${this.ip(node)}`);
    await this.waitReady(node, proc);
  }

  private waitReady(node: string, proc: LoggedProcess): Promise<void> {
    return waitUntilReady({
      node,
      address: this.address(node),
      system: this.opts.system,
      logFile: this.logs(node),
      timeoutMs: this.opts.readyTimeoutMs,
      checkStopping: () => {
        if (this.stopping) throw new FaultlineError('setup interrupted');
      },
      exited: () => (proc.running() ? undefined : proc.status()),
    });
  }

  /** The value of NODE_MARK in the environment of every process a node starts. */
  private mark(node: string): string {
    return `${this.runId}/${node}`;
  }

  /**
   * Sends `signal` to the node as a whole: its process group, and every process in its
   * namespace that descends from it (carries its mark) though it left the group — a
   * `setsid` helper or a daemon that detached. Helpers and commands the harness runs in
   * the namespace (a proxy, iptables) carry no mark and are left alone.
   */
  private signalNode(node: string, signal: NodeJS.Signals): number[] {
    // Found first: a process being killed reads as having no environment.
    const marked = this.detached(node);
    signalGroup(this.node(node).proc?.pid, signal);
    for (const pid of marked) signalPid(pid, signal);
    return marked;
  }

  /** The node's processes in its namespace, by its mark (the group's members among them). */
  private detached(node: string): number[] {
    return pidsWithEnv(pidsInNamespace(this.node(node).ns), `${NODE_MARK}=${this.mark(node)}`);
  }

  async kill(node: string): Promise<void> {
    const s = this.node(node);
    if (!s.proc) return;
    const detached = this.signalNode(node, 'SIGKILL');
    // Down means down: the leader and whatever detached from it have exited (in bounded time).
    const deadline = Date.now() + KILL_WAIT_MS;
    const gone = (async () => {
      await s.proc!.exited;
      while (!detached.every(hasExited) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      // One more turn of the event loop through its poll phase, so this process' own
      // connections to the node (clients' keep-alive sockets) see the close first.
      for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    })();
    if (!(await settlesWithin(gone, KILL_WAIT_MS + 1000))) this.warn(`node ${node} (pid ${s.proc.pid}) did not exit within ${KILL_WAIT_MS / 1000} s of SIGKILL`);
  }

  async pause(node: string): Promise<void> {
    this.signalNode(node, 'SIGSTOP');
  }

  async resume(node: string): Promise<void> {
    this.signalNode(node, 'SIGCONT');
  }

  isRunning(node: string): boolean {
    return this.node(node).proc?.running() ?? false;
  }

  exec(node: string, cmd: readonly string[]): Promise<ExecResult> {
    // Local nodes share the harness' filesystem; only the network namespace differs.
    return this.netExec(node, cmd);
  }

  netExec(node: string, cmd: readonly string[]): Promise<ExecResult> {
    return run(['ip', 'netns', 'exec', this.node(node).ns, ...cmd]);
  }

  private clockFile(node: string): string {
    return join(this.tempRoot, `${node}.faketime`);
  }

  /** Writes the node's libfaketime offset file; a running process reads it on every clock call. */
  private async writeClock(node: string, offsetSeconds: number): Promise<void> {
    this.node(node);
    writeFileSync(this.clockFile(node), `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}\n`);
  }

  private readonly helpers = new Set<LoggedProcess>();

  async spawnNet(node: string, cmd: readonly string[]): Promise<HelperProcess> {
    const [file, ...args] = cmd;
    const proc = spawnToLog('ip', ['netns', 'exec', this.node(node).ns, file!, ...args], { logFile: this.logs(node), group: true });
    this.helpers.add(proc);
    return {
      stop: async () => {
        signalGroup(proc.pid, 'SIGTERM');
        if (!(await settlesWithin(proc.exited, TERM_GRACE_MS))) {
          signalGroup(proc.pid, 'SIGKILL');
          await settlesWithin(proc.exited, KILL_WAIT_MS);
        }
        this.helpers.delete(proc);
      },
    };
  }

  private warn(msg: string): void {
    (this.opts.warn ?? this.opts.log)?.(msg);
  }

  logs(node: string): string {
    return join(this.opts.logDir, `${node}.log`);
  }

  address(node: string): NodeAddress {
    return { host: this.ip(node), port: this.opts.system.port };
  }

  ip(node: string): string {
    return `${this.subnet}.${11 + this.node(node).index}`;
  }

  /**
   * Stops every node and removes the run's network. Every wait is bounded: SIGTERM to each
   * node's process group and to whatever else is in its namespace (a `setsid` helper has a
   * session and group of its own, but not a namespace of its own), a grace period, SIGKILL
   * to the same, a last wait, then the namespaces go whatever is left (with a warning).
   */
  async teardown(opts: TeardownOptions = {}): Promise<void> {
    this.stopping = true;
    if (!(await settlesWithin(this.setupDone, opts.force ? 0 : SETUP_WAIT_MS))) {
      this.opts.log?.('setup still in progress; tearing down anyway');
    }
    const procs = [...this.nodes.map((n) => this.state.get(n)?.proc), ...this.helpers].filter((p): p is LoggedProcess => p !== undefined);
    const exited = () => Promise.all(procs.map((p) => p.exited));
    if (!opts.force) {
      // Resume first: a stopped process ignores SIGTERM until continued.
      this.signalAll(procs, 'SIGCONT');
      this.signalAll(procs, 'SIGTERM');
      await settlesWithin(exited(), TERM_GRACE_MS);
    }
    // The whole group, also where its leader is gone (a server a launch script started in
    // the background), and everything else still in the namespaces.
    this.signalAll(procs, 'SIGCONT');
    this.signalAll(procs, 'SIGKILL');
    if (!(await settlesWithin(exited(), KILL_WAIT_MS))) {
      const stuck = procs.filter((p) => p.running()).map((p) => p.pid);
      this.warn(`teardown: process(es) ${stuck.join(', ')} did not exit within ${KILL_WAIT_MS / 1000} s of SIGKILL; giving up on them`);
    }
    const left = this.namespaces().flatMap((ns) => pidsInNamespace(ns));
    if (left.length) this.warn(`teardown: process(es) ${left.join(', ')} still in the run's namespaces after SIGKILL`);
    this.helpers.clear();
    if (this.created) await removeRunNetwork(this.namespaces(), names.hostVeth(this.runId), TEARDOWN_COMMAND_MS);
    for (const ns of this.namespaces()) untrackNamespace(ns);
    if (this.subnetClaim) releaseClaim(this.subnetClaim, this.runId);
    this.subnetClaim = undefined;
    if (this.tempRoot) removeOwnDir(this.tempRoot);
    this.tempRoot = '';
    if (this.created) forgetResources(this.runId, (r) => r.kind === 'netns' || r.kind === 'link' || r.kind === 'subnet' || r.kind === 'dir');
    this.created = false;
    this.stopping = false;
  }

  private namespaces(): string[] {
    return [this.hub, ...this.nodes.map((n) => this.node(n).ns)];
  }

  /** `signal` to every process group in `procs` and to every process in the run's namespaces. */
  private signalAll(procs: readonly LoggedProcess[], signal: NodeJS.Signals): void {
    for (const p of procs) signalGroup(p.pid, signal);
    for (const ns of this.namespaces()) for (const pid of pidsInNamespace(ns)) signalPid(pid, signal);
  }
}

/** Each command of a teardown (`ip netns del`…) gets this long before it is abandoned. */
const TEARDOWN_COMMAND_MS = 10_000;

/**
 * Removes the given namespaces of a run (with every process in them: nodes a killed
 * harness left) and the harness' veth end. Teardown passes what it created; `faultline
 * clean` passes what a dead run recorded, never namespaces found by name alone.
 */
export async function removeRunNetwork(namespaces: readonly string[], veth: string, timeoutMs?: number): Promise<string[]> {
  const removed: string[] = [];
  const list = await run(['ip', 'netns', 'list'], timeoutMs);
  const present = new Set(list.stdout.split('\n').map((l) => l.split(' ')[0] ?? ''));
  const ours = namespaces.filter((ns) => present.has(ns));
  // In parallel: each namespace deletion waits on the kernel (a few hundred ms each).
  await Promise.all(
    ours.map(async (ns) => {
      // Any process still in the namespace (a node orphaned by a killed harness) goes first.
      const pids = await run(['ip', 'netns', 'pids', ns], timeoutMs);
      for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await run(['ip', 'netns', 'del', ns], timeoutMs);
      removed.push(`netns ${ns}`);
    }),
  );
  // Deleting the hub deletes our veth's peer and with it our end; make sure anyway.
  const link = veth ? await run(['ip', 'link', 'show', veth], timeoutMs) : undefined;
  if (link?.exitCode === 0) {
    await run(['ip', 'link', 'del', veth], timeoutMs);
    removed.push(`link ${veth}`);
  }
  return removed;
}

/**
 * Subnet claims live in `<state dir>/subnets` (one directory per subnet, holding the run
 * id). A claim whose run is neither alive nor holding its veth (killed, or a test torn
 * down early) is stale.
 */
function claimOwner(claim: string): string | undefined {
  return readStateFile(join(claim, 'run'))?.trim();
}

function isStaleClaim(claim: string): boolean {
  const owner = claimOwner(claim);
  if (owner === undefined) return false; // being written right now by its owner
  return owner !== '' && !isRunLive(owner) && !existsSync(`/proc/sys/net/ipv4/conf/${names.hostVeth(owner)}`);
}

/** Removes a claim if it is still the run's (a claim is a real directory of ours). */
export function releaseClaim(claim: string, runId: string): boolean {
  if (claimOwner(claim) !== runId) return false;
  return removeOwnDir(claim);
}

/** Removes the subnet claims of runs that are gone (for `faultline clean`); returns them. */
export function releaseStaleClaims(): string[] {
  const dir = stateSubdir('subnets', false);
  if (!dir) return [];
  const released: string[] = [];
  for (const x of readdirSync(dir)) {
    if (!/^\d+$/.test(x)) continue;
    const claim = join(dir, x);
    if (!isStaleClaim(claim)) continue;
    if (removeOwnDir(claim)) released.push(`subnet claim 10.213.${x}.0/24`);
  }
  return released;
}

/**
 * Reserves a subnet: mkdir is atomic, so of two runs only one succeeds. A claim left by a
 * run that is no longer alive (killed outright) and whose subnet has no route is reused.
 */
function tryClaim(claim: string, runId: string): boolean {
  try {
    mkdirSync(claim, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (!isStaleClaim(claim)) return false;
    removeOwnDir(claim);
    try {
      mkdirSync(claim, { mode: 0o700 });
    } catch {
      return false;
    }
  }
  writeStateFile(join(claim, 'run'), runId);
  return true;
}
