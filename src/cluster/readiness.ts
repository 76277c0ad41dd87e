/**
 * Waiting for a started node to serve, for every backend: probe the system's `ready` until
 * it says yes, the node exits, setup is interrupted, or the time runs out. The limit is the
 * cluster's override, else the system's `readyTimeoutMs`, else 20 s.
 */
import { FaultlineError } from '../core/errors.js';
import type { NodeAddress, SystemSpec } from './cluster.js';
import { readTail } from './log-tail.js';

const DEFAULT_READY_TIMEOUT_MS = 20_000;
const PROBE_EVERY_MS = 100;

export interface ReadyWait {
  node: string;
  address: NodeAddress;
  system: SystemSpec;
  /** The node's log file (probes may read it; errors quote its last lines). */
  logFile: string;
  /** The cluster's override of the system's limit. */
  timeoutMs?: number | undefined;
  /** Throws when setup is being interrupted. */
  checkStopping(): void;
  /** Brings the log file up to date before it is read (Docker copies the container's). */
  refreshLog?(): Promise<void>;
  /** How the node ended (exit code or signal), or undefined while it runs; `probe` counts from 1. */
  exited(probe: number): string | undefined | Promise<string | undefined>;
}

export async function waitUntilReady(w: ReadyWait): Promise<void> {
  const limitMs = w.timeoutMs ?? w.system.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + limitMs;
  const ctx = { node: w.node, logFile: w.logFile };
  for (let probe = 1; Date.now() < deadline; probe++) {
    w.checkStopping();
    const ended = await w.exited(probe);
    if (ended !== undefined) {
      await w.refreshLog?.();
      throw new FaultlineError(`node ${w.node} exited (${ended}) while starting; last log lines: ${readTail(w.logFile, 3)}`);
    }
    await w.refreshLog?.();
    if (await w.system.ready(w.address, ctx).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
  }
  await w.refreshLog?.();
  throw new FaultlineError(`node ${w.node} was not ready within ${limitMs / 1000} s; see ${w.logFile}`);
}
