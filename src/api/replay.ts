/**
 * `faultline replay <run-dir> [--repeat N]`: runs a stored test again with the same seed,
 * options and the fault schedule as it actually ran, and counts how often it fails — the
 * way to tell a deterministic bug from a flaky one, and to check a fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Validity } from '../checkers/checker.js';
import { UsageError } from '../core/errors.js';
import { runFiles } from '../core/run-dir.js';
import type { TestOptions } from '../core/test.js';
import { scheduleFromRun } from '../nemesis/fixed-schedule.js';
import { runTest, type TestResult } from './run.js';

interface StoredTest {
  options?: TestOptions;
  configPath?: string;
  schedule?: { at: number; f: string; value: unknown; type: string }[];
}

export interface ReplaySummary {
  runs: TestResult[];
  invalid: number;
  unknown: number;
}

export async function replayRun(runDir: string, o: { repeat?: number; verbose?: boolean; onResult?: (r: TestResult, i: number) => void } = {}): Promise<ReplaySummary> {
  const path = runFiles.test(runDir);
  if (!existsSync(path)) throw new UsageError(`${runDir} is not a run directory (no test.json)`);
  const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredTest;
  const options = stored.options;
  if (!options) throw new UsageError(`${path}: no options; was it written by faultline run?`);
  if (!stored.schedule) throw new UsageError(`${path}: no schedule recorded (the run did not finish its teardown); replay needs the faults as they ran`);
  if (stored.schedule.some((s) => typeof s.at !== 'number')) throw new UsageError(`${path}: the schedule has no fault times (written by an older faultline); run it again instead`);
  const schedule = scheduleFromRun(stored.schedule, options.timeLimit);
  const { workload, schedule: _planned, ...rest } = options;
  void _planned;
  const runs: TestResult[] = [];
  const repeat = o.repeat ?? 1;
  for (let i = 0; i < repeat; i++) {
    const r = await runTest({
      ...rest,
      workload,
      ...(stored.configPath !== undefined ? { config: stored.configPath } : {}),
      schedule,
      out: dirname(dirname(runDir)),
      verbose: o.verbose ?? false,
    });
    runs.push(r);
    o.onResult?.(r, i);
  }
  const count = (v: Validity) => runs.filter((r) => r.valid === v).length;
  return { runs, invalid: count(false), unknown: count('unknown') };
}
