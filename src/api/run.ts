/**
 * Running a test from code (`import { runTest } from 'faultline'`): the same run the CLI
 * does, with options as an object (keys as in test.json: nodes, timeLimit, … and any
 * option the workload declares, e.g. etcd's `reads`), an optional fault schedule, and a
 * result to assert on. Defaults and checks come from the option table, as for the CLI.
 */
import { Writable } from 'node:stream';
import type { CheckResult, Validity } from '../checkers/checker.js';
import type { TestOptions } from '../core/test.js';
import { shellQuote } from '../run/options/replay-command.js';
import { requestFromObject, type RequestObject } from '../run/request.js';
import { resolveTest } from '../run/resolve.js';
import { runResolvedTest } from '../run/run.js';

export interface RunTestOptions extends RequestObject, Partial<Omit<TestOptions, 'workload' | 'schedule'>> {}

export interface TestResult {
  valid: Validity;
  /** 0 valid, 1 invalid, 2 unknown, 130 interrupted. */
  exitCode: number;
  runDir: string;
  /** results.json: each checker's verdict and details. */
  results?: CheckResult;
  /** The command that runs the same test again (same seed, same faults: `faultline replay`). */
  replay: string;
}

const sink = (): NodeJS.WriteStream =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  }) as unknown as NodeJS.WriteStream;

export async function runTest(o: RunTestOptions): Promise<TestResult> {
  const test = resolveTest(await requestFromObject(o));
  const r = await runResolvedTest(test, o.verbose ? process.stderr : sink());
  const valid: Validity = r.check?.valid ?? 'unknown';
  return {
    valid,
    exitCode: r.exitCode,
    runDir: r.runDir,
    ...(r.check ? { results: r.check.results } : {}),
    replay: `npx faultline replay ${shellQuote(r.runDir)}`,
  };
}
