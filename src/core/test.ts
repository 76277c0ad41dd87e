/**
 * What a running test looks like to clients, the nemesis and the runner: the cluster,
 * the options it runs with, its clock and its log.
 */
import type { Logger } from 'pino';
import type { Cluster } from '../cluster/cluster.js';
import type { ScheduledFault } from '../nemesis/fixed-schedule.js';
import type { ReadMode } from './options.js';

export interface TestOptions {
  workload: string;
  variant: string;
  nodes: number;
  concurrency: number;
  /** Seconds of the main phase (faults + client load). */
  timeLimit: number;
  /** Client ops per second across all workers. */
  rate: number;
  seed: number;
  /** Fault kinds the nemesis may inject, e.g. ["partition", "kill"]. */
  nemesis: string[];
  /** Seconds between faults (a fault lasts about as long). */
  nemesisInterval: number;
  backend: 'local' | 'docker';
  /** Read mode, for workloads that have several (see Workload.reads). */
  reads?: ReadMode;
  /** Per-op timeout in milliseconds: an op still running then is recorded as info. */
  opTimeoutMs: number;
  /** Seconds to let the system recover after healing, before final reads. */
  recoveryTime: number;
  /** Linearizability checker budget in seconds. */
  checkerTimeout: number;
  /**
   * Faults given in advance (a replay, or a fast-check schedule) instead of the ones the
   * nemesis generator would draw. Times are seconds into the main phase.
   */
  schedule?: ScheduledFault[];
}

export interface TestRuntime {
  readonly runId: string;
  readonly runDir: string;
  readonly options: TestOptions;
  readonly cluster: Cluster;
  readonly log: Logger;
  /** Nanoseconds since the test began (monotonic). */
  now(): number;
}
