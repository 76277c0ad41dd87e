/**
 * The options of a test, as data: what every layer may read about the test it is part of
 * (the run layer's option table, src/run/options/, says how each is given, checked and
 * documented). Options a workload or a backend declares for itself (etcd's `reads`, …)
 * are carried in the same object under their own keys; read them through the declared
 * option (`option.get(opts)`), not by name.
 */

/** One fault op at `at` seconds after the main phase starts (a replay, a fast-check schedule). */
export interface ScheduledFault {
  at: number;
  f: string;
  value: unknown;
}

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
  /** Faults of different kinds may be in force at once (each kind on its own cycle). */
  faultsOverlap: boolean;
  /** Where the nodes run: a backend's name (local, docker, …). */
  backend: string;
  /**
   * Register workloads with rotating keys: ops a key takes before its group of workers
   * moves to a fresh one.
   */
  opsPerKey: number;
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
