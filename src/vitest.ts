/**
 * Vitest matchers for test results: `import 'faultline/vitest'`, then
 * `expect(await runTest({...})).toBeValid()`. A failure message says which checker failed,
 * the operations involved, where the report is and how to replay the run.
 */
import { expect } from 'vitest';
import type { TestResult } from './api/run.js';

interface PartitionLike {
  key: string;
  valid: unknown;
  explanation?: { message?: string; next?: { index: number; op: string }[] };
}

/** Why a run is not valid, in a few lines a developer can act on. */
export function describeVerdict(r: TestResult): string {
  const verdict = r.valid === true ? 'valid' : r.valid === false ? 'INVALID' : 'UNKNOWN';
  const lines = [`faultline run ${verdict}: ${r.runDir}`];
  for (const [name, res] of Object.entries(r.results ?? {})) {
    if (typeof res !== 'object' || res === null || !('valid' in res) || (res as { valid: unknown }).valid === true) continue;
    const c = res as { valid: unknown; partitions?: PartitionLike[]; errors?: unknown };
    lines.push(`  checker ${name}: ${c.valid === false ? 'invalid' : 'unknown'}`);
    for (const p of (c.partitions ?? []).filter((x) => x.valid === false).slice(0, 3)) {
      lines.push(`    key ${p.key}: ${p.explanation?.message ?? 'not linearizable'}`);
      for (const op of p.explanation?.next?.slice(0, 5) ?? []) lines.push(`      op ${op.index}: ${op.op}`);
    }
  }
  lines.push(`  report: ${r.runDir}/report.html`, `  replay: ${r.replay}`);
  return lines.join('\n');
}

export const faultlineMatchers = {
  toBeValid(received: TestResult) {
    const pass = received.valid === true;
    return { pass, message: () => (pass ? `expected the run not to be valid: ${received.runDir}` : describeVerdict(received)) };
  },
  toBeInvalid(received: TestResult) {
    const pass = received.valid === false;
    return { pass, message: () => (pass ? describeVerdict(received) : `expected the run to be invalid, but it was ${String(received.valid)}: ${received.runDir}`) };
  },
};

expect.extend(faultlineMatchers);

declare module 'vitest' {
  interface Matchers<T = any> {
    /** The run's every checker said valid. */
    toBeValid(): T;
    /** Some checker said invalid. */
    toBeInvalid(): T;
  }
}
