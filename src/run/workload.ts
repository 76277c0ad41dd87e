/**
 * A workload names the parts of a test (Jepsen style): the system under test, the client,
 * the generator of client ops, the faults (fault packages, through `faults()`), and the
 * checker. Workloads live in `workloads/<name>.ts`, one file each, and export `workload`.
 */
import type { Checker } from '../checkers/checker.js';
import type { Client } from '../clients/client.js';
import type { SystemSpec } from '../cluster/cluster.js';
import type { Generator } from '../core/generator/types.js';
import type { Op } from '../core/op.js';
import type { TestOptions } from '../core/test.js';
import type { FaultKind } from '../nemesis/registry.js';
import type { FaultPlan } from '../nemesis/faults.js';
import type { OptionSpec } from './options/spec.js';

export interface WorkloadParts {
  system: SystemSpec;
  client: Client;
  /** Client ops for the main phase (the runner adds the time limit and the rate). */
  generator: Generator;
  /**
   * Client ops after faults end and the system had time to recover (e.g. final reads); or
   * a function of the main phase's history that makes them (e.g. reads of the keys still
   * live after rotation: `liveKeyFinalReads`).
   */
  final?: Generator | ((mainPhase: readonly Op[]) => Generator);
  /** What `faults(opts.nemesis, {...})` returned: the nemesis, its fault ops, the heal. */
  faults: FaultPlan;
}

export interface Workload {
  name: string;
  description: string;
  /** Allowed `--variant` values; the first is the default. */
  variants: readonly string[];
  /** Fault kinds this workload supports. */
  faults: readonly FaultKind[];
  /**
   * Options only this workload takes (spec.ts: `defineOption`), e.g. etcd's `--reads`;
   * read them in `build` and `checker` with `option.get(opts)`.
   */
  options?: readonly OptionSpec[];
  /**
   * The most nodes the system can use (one for a server without replication). Without
   * `--nodes` a run uses this many; asking for more is a usage error.
   */
  maxNodes?: number;
  /**
   * Ops per second when `--rate` is not given, for a workload whose anomalies need more
   * concurrency than the general default (transactions must overlap to conflict).
   */
  defaultRate?: number;
  /** Cluster size when `--nodes` is not given (the general default is 5). */
  defaultNodes?: number;
  /** Ops per key when `--ops-per-key` is not given (a workload file's `opsPerKey`). */
  defaultOpsPerKey?: number;
  build(opts: TestOptions, nodes: readonly string[]): WorkloadParts;
  /** The checker, also used by `faultline check` on a stored run. */
  checker(opts: TestOptions): Checker;
}
