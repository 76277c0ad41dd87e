/**
 * The cluster contract (DESIGN.md "Cluster"): a backend runs the nodes of the system under
 * test and gives the nemesis its levers (kill, pause, commands in a node's network
 * namespace). Backends know nothing about the system beyond its `SystemSpec`.
 */

/** How to start one node of a system under test, independent of the backend. */
export interface NodeLaunch {
  /** Program and arguments; the program runs inside the node's network namespace. */
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Working directory for the program (defaults to the harness' own). */
  cwd?: string;
}

export interface SystemContext {
  node: string;
  /** Every node's cluster address, by name. */
  ips: ReadonlyMap<string, string>;
  port: number;
  /** Directory the node keeps across restarts. */
  dataDir: string;
  /** Which backend runs the node: a command may differ inside a container. */
  backend: 'local' | 'docker';
}

export interface SystemSpec {
  name: string;
  /** The TCP port every node listens on (each node has its own IP). */
  port: number;
  launch(ctx: SystemContext): NodeLaunch;
  /** Resolves true once the node serves requests; called repeatedly until a deadline. */
  ready(address: NodeAddress, ctx?: ReadyContext): Promise<boolean>;
  /** How long a node may take to become ready (default 20 s). */
  readyTimeoutMs?: number;
  /**
   * How the system's processes read the wall clock: "libc" (Node, most C programs) can be
   * skewed with libfaketime; "static" (static Go binaries such as etcd) cannot, so clock
   * faults are refused rather than silently doing nothing. Absent means "static".
   */
  clock?: 'libc' | 'static';
  /** The node acting as primary or leader right now, where the system can name one. */
  primary?(cluster: Cluster): Promise<string | undefined>;
}

/** What a readiness probe may look at besides the address (e.g. a log line). */
export interface ReadyContext {
  node: string;
  /** The node's log file (stdout and stderr). */
  logFile: string;
}

/** Where a client reaches a node. */
export interface NodeAddress {
  host: string;
  port: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Cluster {
  readonly backend: 'local' | 'docker' | 'ssh';
  readonly runId: string;
  readonly nodes: readonly string[];
  /** Creates the network and starts every node; resolves when all are ready. */
  setup(): Promise<void>;
  /**
   * Stops every node and removes everything `setup` created, in bounded time. Safe to call
   * twice, and while another teardown is under way. `force` (a second Ctrl-C): no grace
   * period, SIGKILL at once.
   */
  teardown(opts?: { force?: boolean }): Promise<void>;
  /** Starts a node that is down (after `kill`), keeping its data directory. */
  start(node: string): Promise<void>;
  /** SIGKILL: no chance to flush or say goodbye. */
  kill(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  resume(node: string): Promise<void>;
  /** Runs a command beside the node (same namespaces where the backend has them). */
  exec(node: string, cmd: readonly string[]): Promise<ExecResult>;
  /** Runs a command in the node's network namespace (iptables and the like). */
  netExec(node: string, cmd: readonly string[]): Promise<ExecResult>;
  /** Path of the node's log file (stdout and stderr). */
  logs(node: string): string;
  /** The address a client uses to reach the node. */
  address(node: string): NodeAddress;
  /** The node's IP on the cluster network: what partitions filter on. */
  ip(node: string): string;
  /** Whether the node's process is running (false after kill, until start). */
  isRunning(node: string): boolean;
  /**
   * Sets the node's wall-clock offset in seconds (clock faults; 0 resets). Present only
   * when the cluster was started with clock faults enabled and the backend supports them.
   */
  setClock?(node: string, offsetSeconds: number): Promise<void>;
  /**
   * Starts a helper process in the node's network namespace (a fault proxy, say); it runs
   * until the handle stops it or the cluster is torn down. Absent where unsupported.
   */
  spawnNet?(node: string, cmd: readonly string[]): Promise<HelperProcess>;
}

export interface HelperProcess {
  stop(): Promise<void>;
}

/** n1..nN, the node names every backend uses. */
export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}
