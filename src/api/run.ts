/**
 * Running a test from code (`import { runTest } from 'faultline'`): the same run the CLI
 * does, with options as an object, an optional fault schedule, and a result to assert on.
 */
import { Writable } from 'node:stream';
import type { CheckResult, Validity } from '../checkers/checker.js';
import { DEFAULTS, type ParsedRun } from '../core/options.js';
import { runTest as runFromCli } from '../core/run-test.js';
import type { TestOptions } from '../core/test.js';
import { kindsOf, type ScheduledFault } from '../nemesis/fixed-schedule.js';

export interface RunTestOptions extends Partial<Omit<TestOptions, 'workload' | 'schedule'>> {
  /** A built-in workload, or one of yours with `config`. */
  workload?: string;
  /** Path of a workload file (faultline.config.ts). */
  config?: string;
  /**
   * Faults to inject instead of the nemesis' own draw (e.g. from `faultSchedule()`).
   * The fault kinds they need are enabled automatically.
   */
  schedule?: readonly ScheduledFault[];
  /** Output root (default "reports"). */
  out?: string;
  /** Print the progress and the verdict to stderr (default false). */
  verbose?: boolean;
}

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
  const schedule = o.schedule ? [...o.schedule] : undefined;
  const nemesis = schedule ? kindsOf(schedule) : (o.nemesis ?? DEFAULTS.nemesis);
  const parsed: ParsedRun = {
    workload: o.workload ?? '',
    out: o.out ?? 'reports',
    quiet: !o.verbose,
    help: false,
    ...(o.config !== undefined ? { config: o.config } : {}),
    explicit: { nodes: o.nodes !== undefined, nemesis: o.nemesis !== undefined || schedule !== undefined, rate: o.rate !== undefined },
    options: {
      workload: o.workload ?? '',
      nodes: o.nodes ?? DEFAULTS.nodes,
      concurrency: o.concurrency ?? DEFAULTS.concurrency,
      timeLimit: o.timeLimit ?? DEFAULTS.timeLimit,
      rate: o.rate ?? DEFAULTS.rate,
      seed: o.seed ?? Math.floor(Math.random() * 2 ** 31),
      nemesis,
      nemesisInterval: o.nemesisInterval ?? DEFAULTS.nemesisInterval,
      backend: o.backend ?? DEFAULTS.backend,
      opTimeoutMs: o.opTimeoutMs ?? DEFAULTS.opTimeoutMs,
      recoveryTime: o.recoveryTime ?? DEFAULTS.recoveryTime,
      checkerTimeout: o.checkerTimeout ?? DEFAULTS.checkerTimeout,
      ...(o.variant !== undefined ? { variant: o.variant } : {}),
      ...(o.reads !== undefined ? { reads: o.reads } : {}),
      ...(schedule ? { schedule } : {}),
    },
  };
  const r = await runFromCli(parsed, o.verbose ? process.stderr : sink());
  const valid: Validity = r.check?.valid ?? 'unknown';
  return {
    valid,
    exitCode: r.exitCode,
    runDir: r.runDir,
    ...(r.check ? { results: r.check.results } : {}),
    replay: `npx faultline replay ${r.runDir}`,
  };
}
