/**
 * The checker contract (DESIGN.md "Checker"): a checker judges a history and says
 * valid (true), invalid (false) or "unknown" when it could not decide (a budget ran out).
 */
import type { Op } from '../core/op.js';

export type Validity = true | false | 'unknown';

export interface CheckResult {
  valid: Validity;
  [detail: string]: unknown;
}

/** What a checker may read about the test besides the history. */
export interface CheckContext {
  /** The run directory, when the history came from a run on disk. */
  runDir?: string;
  /** Options of the test as recorded in test.json. */
  options?: Record<string, unknown>;
  /** Wall-clock budget in milliseconds for a checker that searches (linearizability). */
  timeoutMs?: number;
  /** Report every invalid sub-history instead of stopping at the first. */
  full?: boolean;
}

export interface Checker {
  readonly name: string;
  check(history: readonly Op[], ctx: CheckContext): Promise<CheckResult>;
}

/**
 * Combines validities: any false makes the whole false; otherwise any unknown makes it
 * unknown; otherwise true.
 */
export function mergeValidity(vs: readonly Validity[]): Validity {
  if (vs.some((v) => v === false)) return false;
  if (vs.some((v) => v === 'unknown')) return 'unknown';
  return true;
}

/** Runs several checkers over the same history; the result holds each one's by name. */
export function compose(checkers: readonly Checker[]): Checker {
  return {
    name: 'compose',
    async check(history, ctx) {
      const results: Record<string, CheckResult> = {};
      for (const c of checkers) results[c.name] = await c.check(history, ctx);
      return { valid: mergeValidity(Object.values(results).map((r) => r.valid)), ...results };
    },
  };
}
