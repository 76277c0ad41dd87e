/**
 * The checker contract (DESIGN.md "Checker"): a checker judges a history and says
 * valid (true), invalid (false) or "unknown" when it could not decide (a budget ran out).
 */
import type { Op } from '../core/op.js';
import type { CheckerSpec } from './spec.js';

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
  /**
   * What this checker is, as data (spec.ts), when it can be rebuilt from data alone: a
   * stored run then re-checks without loading the workload file that made it.
   */
  readonly spec?: CheckerSpec;
}

/**
 * Runs one checker so that its failure stays its own (Jepsen's check-safe): a checker that
 * throws is `unknown` with the error, and the checkers beside it keep their results.
 */
async function checkSafely(checker: Checker, history: readonly Op[], ctx: CheckContext): Promise<CheckResult> {
  try {
    return await checker.check(history, ctx);
  } catch (e) {
    return { valid: 'unknown', error: `${checker.name} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
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

/**
 * Runs several checkers over the same history; the result holds each one's by name. One
 * that throws is `unknown` with its error; the others' results are kept.
 */
export function compose(checkers: readonly Checker[]): Checker {
  const specs = checkers.map((c) => c.spec);
  return {
    name: 'compose',
    async check(history, ctx) {
      const results: Record<string, CheckResult> = {};
      for (const c of checkers) results[c.name] = await checkSafely(c, history, ctx);
      return { valid: mergeValidity(Object.values(results).map((r) => r.valid)), ...results };
    },
    ...(specs.every((s) => s !== undefined) ? { spec: { kind: 'compose' as const, checkers: specs } } : {}),
  };
}
