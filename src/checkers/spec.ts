/**
 * Checkers as data: what a run records in test.json (`checker`) so that `faultline check`
 * can rebuild the checker of a workload-file run without loading the file — a run
 * directory is data, and re-checking one must execute nothing from it. Only checkers whose
 * behaviour is fully named by data have a spec (`linearizable(<named model>)`, compositions
 * of those); any other needs the workload file passed explicitly.
 */
import { compose, type Checker } from './checker.js';
import { linearizable, models } from './linearizability/index.js';

export type CheckerSpec = { kind: 'linearizability'; model: string } | { kind: 'compose'; checkers: CheckerSpec[] };

/** The checker a spec names, or undefined when `spec` is not one this version understands. */
export function checkerFromSpec(spec: unknown, depth = 0): Checker | undefined {
  if (typeof spec !== 'object' || spec === null || depth > 8) return undefined;
  const s = spec as Record<string, unknown>;
  if (s.kind === 'linearizability' && typeof s.model === 'string' && Object.hasOwn(models, s.model)) return linearizable(models[s.model]!);
  if (s.kind === 'compose' && Array.isArray(s.checkers)) {
    const parts = s.checkers.map((c) => checkerFromSpec(c, depth + 1));
    return parts.every((p) => p !== undefined) ? compose(parts as Checker[]) : undefined;
  }
  return undefined;
}
