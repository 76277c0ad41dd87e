/**
 * The client contract (DESIGN.md "Client"): one client per worker thread, bound to one
 * node. A thrown error or a timeout becomes `info` (may or may not have happened); a
 * client returns `fail` only when it knows the op did not take effect.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';

export interface ClientOp {
  f: string;
  value: unknown;
  process: number;
}

export interface ClientResult {
  type: 'ok' | 'fail' | 'info';
  value: unknown;
  error?: string;
}

export interface Client {
  /** Returns a client bound to `node` (the receiver is a template; it is not changed). */
  open(test: TestRuntime, node: string): Promise<Client>;
  /** Once per test, on one opened client, before any op (create tables, keys…). */
  setup(test: TestRuntime): Promise<void>;
  /** Performs the op; `signal` aborts it when the runner's per-op timeout fires. */
  invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult>;
  /** Once per test, on one opened client, after the last op. */
  teardown(test: TestRuntime): Promise<void>;
  close(test: TestRuntime): Promise<void>;
}
