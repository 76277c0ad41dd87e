/**
 * Ops the runner executes itself: `sleep` keeps its thread busy, `log` writes to the run log.
 * Neither is written to the history. Like templates, they take the first free allowed thread
 * (a client thread at the top level), so `phases(a, sleep(5), b)` idles one client for 5 s.
 */
import { Template } from './core.js';
import type { Generator } from './types.js';

/** One op that occupies its thread for `seconds` (the op's value is in seconds). */
export function sleep(seconds: number): Generator {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`sleep: expected non-negative seconds, got ${seconds}`);
  return new Template('sleep', seconds, 'sleep');
}

/** One op that writes `message` to the run log and completes at once. */
export function log(message: unknown): Generator {
  return new Template('log', message, 'log');
}
