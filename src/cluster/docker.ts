/**
 * The Docker backend: every node is a container on a user-defined bridge network of the
 * run, with a fixed IP in a /24 of its own and its client port published on 127.0.0.1
 * (what clients use where the harness cannot route to that IP; see `clientAddress`).
 *
 * Each node is two containers. A *network holder* (`fl-<id>-<node>-net`, running `sleep`)
 * owns the node's network namespace — its IP, its published port and the partition rules
 * in it — and the *node* container (`fl-<id>-<node>`) joins that namespace. Killing and
 * restarting the node therefore keeps its IP, port mapping and iptables rules: a partition
 * in force still applies to a node restarted in the middle of it, with no re-apply step.
 *
 *   harness ── 127.0.0.1:<port> ──▶ holder n1 (10.214.S.11) ◀── shares netns ── node n1
 *                                   holder n2 (10.214.S.12) ◀── shares netns ── node n2 …
 *
 * Kill is SIGKILL through the API, start restarts the same container (its data volume
 * stays), pause/resume use the engine's freezer. netExec runs a host command inside the
 * holder's namespace with `nsenter` when the harness is root, and otherwise in a one-shot
 * NET_ADMIN sidecar container sharing the holder's network (docker-sidecar.ts).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { removeOwnDir } from '../core/state-dir.js';
import { forgetResources, recordResource } from './live-runs.js';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { FaultlineError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import type { Cluster, ExecResult, HelperProcess, NodeAddress, SystemSpec } from './cluster.js';
import { fakeTimeEnv, libfaketimePath } from './faketime.js';
import { names } from './names.js';
import { connectDocker } from './docker-connect.js';
import { copyContainerLog, demux } from './docker-logs.js';
import { dockerNames, LABEL_NODE, LABEL_ROLE, runLabels } from './docker-names.js';
import { pickSubnet } from './docker-subnet.js';
import { removeDockerRun } from './clean-docker.js';
import { ensureImage, imageOf, isHostPathImage, sleepBinary, type ImageSource } from './images/catalog.js';
import { resolveImage } from './images/resolve.js';
import { sidecarExec } from './docker-sidecar.js';
import { waitUntilReady } from './readiness.js';
import { run } from './sh.js';

interface DockerClusterOptions {
  runId: string;
  nodes: readonly string[];
  system: SystemSpec;
  /** Directory for node logs: `<logDir>/<node>.log`. */
  logDir: string;
  readyTimeoutMs?: number;
  log?: (msg: string) => void;
  /** Progress of slow steps (image builds) for a person watching; default: `log`. */
  notice?: (msg: string) => void;
  /** An engine client; by default one for DOCKER_HOST or the default socket. */
  docker?: Docker;
  /** How netExec reaches a node's namespace; default: nsenter as root, else a sidecar. */
  netExec?: NetExecMode;
  /**
   * What `address()` gives clients: the container's own IP, or the port published on
   * 127.0.0.1. Docker's port proxy accepts a connection even when the node behind it is
   * dead, so through it a crashed node looks like a reset (indeterminate) instead of a
   * refusal (definitely not applied); container addresses keep that distinction, but only
   * work where the harness shares the engine's network namespace. `auto` (the default)
   * uses them when the run's bridge is one of this namespace's interfaces, which is exactly
   * when its containers are routable from here. FAULTLINE_DOCKER_ADDRESS overrides.
   */
  clientAddress?: ClientAddressMode;
  /** Launch nodes under libfaketime so clock faults can skew them (see setClock). */
  fakeTime?: boolean;
}

type NetExecMode = 'nsenter' | 'sidecar';
export type ClientAddressMode = 'auto' | 'published' | 'container';

function clientAddressMode(option: ClientAddressMode | undefined): ClientAddressMode {
  const env = process.env.FAULTLINE_DOCKER_ADDRESS;
  if (option) return option;
  if (env === undefined || env === '') return 'auto';
  if (env === 'auto' || env === 'published' || env === 'container') return env;
  throw new FaultlineError(`FAULTLINE_DOCKER_ADDRESS must be auto, published or container, got "${env}"`);
}

/** nsenter needs root on the host; FAULTLINE_DOCKER_NETEXEC=sidecar forces the sidecar (tests). */
function defaultNetExecMode(): NetExecMode {
  if (process.env.FAULTLINE_DOCKER_NETEXEC === 'sidecar') return 'sidecar';
  return process.getuid?.() === 0 ? 'nsenter' : 'sidecar';
}

/** Where a node's data volume is mounted, and what `SystemContext.dataDir` says. */
const DATA_DIR = '/data';

interface NodeState {
  ip: string;
  hostPort: number;
  holder?: Docker.Container;
  container?: Docker.Container;
  /** Host pid of the holder: the handle on the node's network namespace. */
  netPid?: number;
  running: boolean;
}

export class DockerCluster implements Cluster {
  readonly backend = 'docker' as const;
  readonly runId: string;
  readonly nodes: readonly string[];
  private readonly state = new Map<string, NodeState>();
  private docker: Docker | undefined;
  private subnet = '';
  private image = '';
  /** The network holder's image: one that has `sleep` at the host's path. */
  private holderImage = '';
  private nettoolsImage = '';
  private readonly netExecMode: NetExecMode;
  private stopping = false;
  private created = false;
  private setupDone: Promise<void> = Promise.resolve();
  /** Aborted by teardown, so Ctrl-C does not wait for an image build of minutes. */
  private abort = new AbortController();
  /** Host directory of per-run files bind-mounted into nodes (clock offsets). */
  /** Clock files of libfaketime (mkdtemp at setup, when clock faults are on). */
  private hostDir = '';
  private nodeImage = '';
  private useContainerIps = false;
  /** Where the nodes' image comes from (the system's choice, or the node image). */
  private readonly source: ImageSource;
  private readonly helpers = new Set<Docker.Container>();

  /** Present only when nodes run under libfaketime (clock faults requested). */
  readonly setClock?: (node: string, offsetSeconds: number) => Promise<void>;

  constructor(private readonly opts: DockerClusterOptions) {
    if (opts.fakeTime) this.setClock = async (node, offset) => this.writeClock(node, offset);
    this.runId = opts.runId;
    this.nodes = opts.nodes;
    this.source = imageOf(opts.system);
    this.docker = opts.docker;
    this.netExecMode = opts.netExec ?? defaultNetExecMode();
    for (const node of opts.nodes) this.state.set(node, { ip: '', hostPort: 0, running: false });
  }

  private node(node: string): NodeState {
    const s = this.state.get(node);
    if (!s) throw new FaultlineError(`unknown node ${node} (nodes: ${this.nodes.join(', ')})`);
    return s;
  }

  private engine(): Docker {
    if (!this.docker) throw new FaultlineError('docker cluster used before setup');
    return this.docker;
  }

  private checkStopping(): void {
    if (this.stopping) throw new FaultlineError('setup interrupted');
  }

  setup(): Promise<void> {
    this.abort = new AbortController();
    this.setupDone = this.doSetup();
    return this.setupDone;
  }

  private async doSetup(): Promise<void> {
    const t0 = Date.now();
    this.docker ??= await connectDocker();
    const docker = this.docker;
    const notice = this.opts.notice ?? this.opts.log;
    this.image = await resolveImage(docker, this.source, notice, this.abort.signal);
    // A user's image need not have `sleep` where the host has it; ours always do.
    this.holderImage = isHostPathImage(this.source) ? this.image : (await ensureImage(docker, 'node', notice)).tag;
    if (this.netExecMode === 'sidecar') this.nettoolsImage = (await ensureImage(docker, 'nettools', notice)).tag;
    this.checkStopping();
    const ports = await freePorts(this.nodes.length);
    this.nodes.forEach((n, i) => (this.node(n).hostPort = ports[i]!));
    this.created = true;
    const network = dockerNames.network(this.runId);
    // Recorded before created, so `faultline clean` knows all of it (live-runs.ts).
    recordResource(this.runId, { kind: 'network', name: network });
    // Two runs starting together may pick the same free subnet; the engine refuses the
    // second ("overlaps"), which then picks again from a fresh list.
    for (let attempt = 1; ; attempt++) {
      this.subnet = await pickSubnet(docker, this.runId);
      try {
        await docker.createNetwork({
          Name: network,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: runLabels(this.runId),
          IPAM: { Driver: 'default', Config: [{ Subnet: `${this.subnet}.0/24`, Gateway: `${this.subnet}.1` }] },
          Options: { 'com.docker.network.bridge.name': dockerNames.bridge(this.runId) },
        });
        break;
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        if (attempt >= 5 || !/overlap/i.test(msg)) throw new FaultlineError(`cannot create Docker network ${network} on ${this.subnet}.0/24: ${msg.split('\n')[0]}`);
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      }
    }
    this.nodes.forEach((n, i) => (this.node(n).ip = `${this.subnet}.${11 + i}`));
    const mode = clientAddressMode(this.opts.clientAddress);
    this.useContainerIps = mode === 'container' || (mode === 'auto' && existsSync(`/sys/class/net/${dockerNames.bridge(this.runId)}`));
    mkdirSync(this.opts.logDir, { recursive: true });
    if (this.opts.fakeTime) {
      // mkdtemp: a predictable name in the shared temp dir could be someone else's symlink.
      this.hostDir = mkdtempSync(join(tmpdir(), names.tempDirPrefix(this.runId)));
      recordResource(this.runId, { kind: 'dir', path: this.hostDir });
      chmodSync(this.hostDir, 0o755);
      for (const n of this.nodes) writeFileSync(this.clockFile(n), '+0\n');
    }
    await Promise.all(this.nodes.map((n) => this.createNode(n, network)));
    this.checkStopping();
    await Promise.all(this.nodes.map((n) => this.start(n)));
    this.opts.log?.(`docker cluster of ${this.nodes.length} nodes on ${this.subnet}.0/24 ready in ${Date.now() - t0} ms; clients use ${this.clientAddressMode} addresses`);
  }

  private async createNode(node: string, network: string): Promise<void> {
    const docker = this.engine();
    const s = this.node(node);
    const port = `${this.opts.system.port}/tcp`;
    for (const name of [dockerNames.sandbox(this.runId, node), dockerNames.node(this.runId, node)]) recordResource(this.runId, { kind: 'container', name });
    recordResource(this.runId, { kind: 'volume', name: dockerNames.volume(this.runId, node) });
    const holder = await docker.createContainer({
      name: dockerNames.sandbox(this.runId, node),
      Image: this.holderImage,
      Entrypoint: [sleepBinary()],
      Cmd: ['infinity'],
      Hostname: node,
      Labels: runLabels(this.runId, { [LABEL_NODE]: node, [LABEL_ROLE]: 'net' }),
      ExposedPorts: { [port]: {} },
      HostConfig: {
        NetworkMode: network,
        PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: String(s.hostPort) }] },
        // The holder must outlive every node crash; nothing restarts it behind our back.
        RestartPolicy: { Name: 'no' },
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: s.ip } } } },
    });
    this.checkStopping();
    await holder.start();
    s.holder = holder;
    s.netPid = (await holder.inspect()).State.Pid;
    const volume = dockerNames.volume(this.runId, node);
    await docker.createVolume({ Name: volume, Labels: runLabels(this.runId, { [LABEL_NODE]: node }) });
    const ips = new Map(this.nodes.map((n) => [n, this.node(n).ip] as const));
    const launch = this.opts.system.launch({ node, ips, port: this.opts.system.port, dataDir: DATA_DIR, backend: 'docker' });
    const source = this.source;
    const binds = [`${volume}:${DATA_DIR}`];
    // Node programs run this package's compiled JavaScript from the same path as on the host.
    if (source === 'node') binds.push(`${packageRoot}:${packageRoot}:ro`);
    // A user's service without an image of its own runs from its workload file's directory,
    // mounted at the same path; in a user's image, cwd is a path inside that image.
    if (isHostPathImage(source) && launch.cwd !== undefined && !launch.cwd.startsWith(packageRoot)) binds.push(`${launch.cwd}:${launch.cwd}:ro`);
    if (this.opts.fakeTime) {
      // libfaketime re-reads the offset file on every clock call: the host rewrites it.
      binds.push(`${this.hostDir}:${this.hostDir}:ro`);
      // Our images carry the host's libfaketime; a user's (glibc) image gets it mounted.
      const lib = libfaketimePath();
      if (!isHostPathImage(source)) binds.push(`${lib}:${lib}:ro`);
    }
    const env = { ...launch.env, ...(this.opts.fakeTime ? fakeTimeEnv(this.clockFile(node)) : {}) };
    s.container = await docker.createContainer({
      name: dockerNames.node(this.runId, node),
      Image: this.image,
      Entrypoint: [launch.command],
      Cmd: launch.args,
      ...(launch.cwd !== undefined ? { WorkingDir: launch.cwd } : {}),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: runLabels(this.runId, { [LABEL_NODE]: node, [LABEL_ROLE]: 'node' }),
      HostConfig: { NetworkMode: `container:${holder.id}`, Binds: binds, RestartPolicy: { Name: 'no' } },
    });
  }

  async start(node: string): Promise<void> {
    const s = this.node(node);
    if (!s.container) throw new FaultlineError(`node ${node} was never created`);
    if (s.running) return;
    this.checkStopping();
    const info = await s.container.inspect();
    if (!info.State.Running) await s.container.start();
    s.running = true;
    this.opts.log?.(`started ${node} (container ${dockerNames.node(this.runId, node)}) at ${s.ip}, 127.0.0.1:${s.hostPort}`);
    await this.waitReady(node);
  }

  private waitReady(node: string): Promise<void> {
    const s = this.node(node);
    return waitUntilReady({
      node,
      address: this.address(node),
      system: this.opts.system,
      // A log-line probe reads the node's log file, which is a copy of the container's.
      logFile: this.logs(node),
      timeoutMs: this.opts.readyTimeoutMs,
      checkStopping: () => this.checkStopping(),
      refreshLog: () => this.syncLog(node),
      exited: async (probe) => {
        // Inspecting costs a round trip; a crashed node is worth noticing but not every 100 ms.
        if (probe % 5 !== 0) return undefined;
        const st = (await s.container!.inspect()).State;
        if (st.Running) return undefined;
        s.running = false;
        return String(st.ExitCode);
      },
    });
  }

  async kill(node: string): Promise<void> {
    const s = this.node(node);
    if (!s.container || !s.running) return;
    await s.container.kill({ signal: 'SIGKILL' }).catch((e: { statusCode?: number }) => {
      // 409: not running (it died by itself); the wait below returns at once.
      if (e.statusCode !== 409) throw e;
    });
    await s.container.wait({ condition: 'not-running' });
    s.running = false;
  }

  async pause(node: string): Promise<void> {
    const s = this.node(node);
    if (s.container && s.running) await s.container.pause();
  }

  async resume(node: string): Promise<void> {
    const s = this.node(node);
    if (!s.container) return;
    const st = (await s.container.inspect()).State;
    if (st.Paused) await s.container.unpause();
  }

  isRunning(node: string): boolean {
    return this.node(node).running;
  }

  /** Runs `cmd` inside the node container (its image has no shell: name a binary it has). */
  async exec(node: string, cmd: readonly string[]): Promise<ExecResult> {
    const s = this.node(node);
    if (!s.container || !s.running) throw new FaultlineError(`node ${node} is not running`);
    const ex = await s.container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
    const stream = await ex.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    this.engine().modem.demuxStream(stream, out, err);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    const info = await ex.inspect();
    return { exitCode: info.ExitCode ?? 1, stdout, stderr };
  }

  /** Runs a command in the node's network namespace (held by its holder container). */
  netExec(node: string, cmd: readonly string[]): Promise<ExecResult> {
    const s = this.node(node);
    if (s.netPid === undefined || !s.holder) throw new FaultlineError(`node ${node} has no network namespace yet`);
    if (this.netExecMode === 'sidecar') return sidecarExec(this.engine(), this.nettoolsImage, s.holder.id, this.runId, node, cmd);
    return run(['nsenter', '-t', String(s.netPid), '-n', '--', ...cmd]);
  }

  private clockFile(node: string): string {
    return join(this.hostDir, `${node}.faketime`);
  }

  private async writeClock(node: string, offsetSeconds: number): Promise<void> {
    this.node(node);
    writeFileSync(this.clockFile(node), `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}\n`);
  }

  /**
   * Starts a long-running helper (e.g. the latency proxy, a node program) in the node's
   * network namespace: a container of the node image joined to the holder, labelled with
   * the run so even a SIGKILLed harness' helpers are found by `faultline clean`. Its output
   * goes to `<node>.helper.log` (the node's own log is a copy of its container's).
   */
  async spawnNet(node: string, cmd: readonly string[]): Promise<HelperProcess> {
    const s = this.node(node);
    if (!s.holder) throw new FaultlineError(`node ${node} has no network namespace yet`);
    const [file, ...args] = cmd;
    if (file === undefined) throw new Error('empty command');
    const docker = this.engine();
    if (!this.nodeImage) this.nodeImage = (await ensureImage(docker, 'node', this.opts.log)).tag;
    const c = await docker.createContainer({
      Image: this.nodeImage,
      Entrypoint: [file],
      Cmd: args,
      Labels: runLabels(this.runId, { [LABEL_NODE]: node, [LABEL_ROLE]: 'helper' }),
      HostConfig: { NetworkMode: `container:${s.holder.id}`, Binds: [`${packageRoot}:${packageRoot}:ro`], RestartPolicy: { Name: 'no' } },
    });
    this.helpers.add(c);
    await c.start();
    return {
      stop: async () => {
        if (!this.helpers.delete(c)) return;
        const raw = (await c.logs({ stdout: true, stderr: true, follow: false }).catch(() => Buffer.alloc(0))) as unknown as Buffer;
        writeFileSync(join(this.opts.logDir, `${node}.helper.log`), demux(raw), { flag: 'a' });
        await c.remove({ force: true }).catch(() => undefined);
      },
    };
  }

  logs(node: string): string {
    return join(this.opts.logDir, `${node}.log`);
  }

  /** Copies the node container's output so far into `logs(node)`. */
  async syncLog(node: string): Promise<void> {
    const c = this.node(node).container;
    if (c) await copyContainerLog(c, this.logs(node)).catch((e: unknown) => this.opts.log?.(`could not copy the log of ${node}: ${(e as Error).message}`));
  }

  address(node: string): NodeAddress {
    const s = this.node(node);
    if (this.useContainerIps) return { host: s.ip, port: this.opts.system.port };
    return { host: '127.0.0.1', port: s.hostPort };
  }

  /** Which address clients get; decided once the run's network exists (see clientAddress). */
  get clientAddressMode(): 'published' | 'container' {
    return this.useContainerIps ? 'container' : 'published';
  }

  ip(node: string): string {
    return this.node(node).ip;
  }

  async teardown(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.setupDone.catch(() => undefined);
    if (this.created && this.docker) {
      // Frozen containers cannot be stopped; thaw them so their logs end cleanly.
      await Promise.all(this.nodes.map((n) => this.resume(n).catch(() => undefined)));
      await Promise.all(this.nodes.map((n) => this.syncLog(n)));
      this.helpers.clear();
      await removeDockerRun(this.docker, this.runId);
    }
    if (this.hostDir) removeOwnDir(this.hostDir);
    this.hostDir = '';
    forgetResources(this.runId, (r) => r.kind === 'container' || r.kind === 'network' || r.kind === 'volume' || r.kind === 'dir');
    for (const s of this.state.values()) s.running = false;
    this.created = false;
    this.stopping = false;
  }
}

/**
 * Throws a one-line error when a Docker run cannot work here: no engine, or host programs
 * the faults need (`hostTools`, from the fault packages: iptables, tc, ss…) missing. They
 * run in the node's namespace via nsenter as root, otherwise copied into the nettools
 * sidecar image; either way they must exist here.
 */
export async function requireDockerBackend(hostTools: readonly { name: string; apt: string }[]): Promise<void> {
  await connectDocker();
  if (hostTools.length === 0) return;
  const tools = defaultNetExecMode() === 'nsenter' ? [{ name: 'nsenter', apt: 'util-linux' }, ...hostTools] : hostTools;
  for (const t of tools) {
    const have = await run(['sh', '-c', 'command -v "$1"', 'sh', t.name]).catch(() => undefined);
    if (have?.exitCode !== 0) {
      throw new FaultlineError(`network faults on the Docker backend need \`${t.name}\` on the host: apt-get install -y ${t.apt}`);
    }
  }
}

/**
 * `n` distinct TCP ports free on 127.0.0.1 right now (the kernel picks them). Choosing them
 * here, not letting Docker pick, makes every node's address known before its container
 * exists (no inspect round trip); the holder, which owns the port, is never restarted.
 */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
