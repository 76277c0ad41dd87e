/**
 * What a running test looks like to clients and the nemesis (the `test` they are given):
 * the cluster with its levers, the options it runs with, its clock and its log. It lives
 * beside the Cluster contract because that is the lowest layer it needs.
 */
import type { Logger } from 'pino';
import type { TestOptions } from '../core/test.js';
import type { Cluster } from './cluster.js';

export interface TestRuntime {
  readonly runId: string;
  readonly runDir: string;
  readonly options: TestOptions;
  readonly cluster: Cluster;
  readonly log: Logger;
  /** Nanoseconds since the test began (monotonic). */
  now(): number;
}
