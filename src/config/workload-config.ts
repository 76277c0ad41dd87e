/**
 * What a user writes to test their own service: `faultline.config.ts` (or
 * `workloads/<name>.ts` in their repository) default-exports `defineWorkload({...})`.
 * Everything has a sane default except how to start the service and how to talk to it.
 */
import type { Checker } from '../checkers/checker.js';
import type { Client } from '../clients/client.js';
import type { GenLike } from '../core/generator/core.js';
import type { FaultKind } from '../nemesis/registry.js';

/** What a node's command line and environment may refer to. */
export interface LaunchContext {
  /** This node's name: n1, n2, … */
  node: string;
  /** Every node's name, in order. */
  nodes: readonly string[];
  /** This node's IP on the cluster network. */
  ip: string;
  /** The service port (each node has its own IP, so all use the same port). */
  port: number;
  /** A directory kept across restarts of this node. */
  dataDir: string;
  /** The `--variant` chosen for this run. */
  variant: string;
  /** `n1=10.213.5.11:7000,n2=…` for every node. */
  nodesList: string;
  /** The same, without this node. */
  peersList: string;
}

/** How the harness tells a node is up. */
export type ReadyProbe =
  /** GET this path answers 2xx. */
  | { http: string }
  /** The port accepts TCP connections. */
  | { tcp: true }
  /** A line of the node's output matches this regular expression. */
  | { log: string };

export interface ServiceConfig {
  /** The port every node listens on. */
  port: number;
  /**
   * The command that starts one node, as an argv array. Strings may contain placeholders:
   * {node} {ip} {port} {dataDir} {variant} {nodes} {peers}. Or a function of the context.
   * It runs in the node's own network namespace, from the config file's directory.
   */
  command: readonly string[] | ((ctx: LaunchContext) => readonly string[]);
  env?: Readonly<Record<string, string>> | ((ctx: LaunchContext) => Readonly<Record<string, string>>);
  /** Default: `{ tcp: true }`. */
  ready?: ReadyProbe;
  /** Seconds a node may take to become ready. Default 20. */
  readyTimeout?: number;
  /** "libc" if the service reads the clock through libc (Node, Python, most C), allowing clock faults. */
  clock?: 'libc' | 'static';
  /** The node acting as primary, if the design has a fixed one (enables primary-targeted faults). */
  primary?: string | ((nodes: readonly string[]) => string);
  /**
   * How nodes run on `--backend docker`. Without it, `command` runs in Faultline's node
   * image (this host's node binary, no shell) from the workload file's directory, mounted
   * read-only: enough for a Node service, not for one needing another runtime.
   */
  docker?: DockerServiceConfig;
}

/** A service's own image for the Docker backend: `image` or `build`, not both. */
export interface DockerServiceConfig {
  /** An image the local Docker engine already has (see `docker images`); nothing is pulled. */
  image?: string;
  /**
   * A directory with a Dockerfile, relative to the workload file; Faultline builds it and
   * tags it by content hash, rebuilding only when something in it changes. No registry is
   * needed: a Dockerfile may start `ARG FAULTLINE_DEBIAN` then `FROM ${FAULTLINE_DEBIAN}`
   * (Debian bookworm built locally), or use `FAULTLINE_NODE` (this host's node binary).
   */
  build?: string | { context: string; dockerfile?: string; args?: Readonly<Record<string, string>> };
  /** The command inside the container. Default: `service.command`. Same placeholders; {dataDir} is /data. */
  command?: readonly string[] | ((ctx: LaunchContext) => readonly string[]);
  /** Environment inside the container. Default: `service.env`. */
  env?: Readonly<Record<string, string>> | ((ctx: LaunchContext) => Readonly<Record<string, string>>);
  /** Working directory inside the container. Default: the image's own WORKDIR. */
  workdir?: string;
}

export interface WorkloadConfig {
  /** What `npm run test:jepsen -- <name>` calls it. */
  name: string;
  description?: string;
  /** Allowed `--variant` values (passed to the command as {variant}); the first is the default. */
  variants?: readonly string[];
  service: ServiceConfig;
  /** How a worker talks to a node: `httpJsonClient(...)`, `processClient(...)`, or your own Client. */
  client: Client;
  /**
   * Client ops of the main phase. Default: read/write/cas on rotating keys (`registerOps`:
   * a group of workers, one per node, uses a key for `opsPerKey` ops, then a fresh one),
   * with values unique per key.
   */
  generator?: GenLike;
  /** Client ops after faults end (e.g. final reads). Default: with the default generator, reads of the keys still live; else none. */
  final?: GenLike;
  /**
   * Default generator only: ops a key takes before its workers move to a fresh key
   * (default 150; `--ops-per-key` overrides it for one run).
   */
  opsPerKey?: number;
  /** Default: linearizability of a register per key. */
  checker?: Checker | ((options: Record<string, unknown>) => Checker);
  /** Fault kinds the service may be given. Default: every kind. */
  faults?: readonly FaultKind[];
}
