/**
 * `faultline replay <run-dir> [--repeat N] [--config file]`: runs a stored test again with
 * the same seed, options and the fault schedule as it actually ran, and counts how often
 * it fails — the way to tell a deterministic bug from a flaky one, and to check a fix.
 * test.json is data: a run of a workload file is replayed only with the file passed
 * explicitly (`config`), never by loading the path the run directory names.
 */
import { dirname } from 'node:path';
import type { Validity } from '../checkers/checker.js';
import { UsageError } from '../core/errors.js';
import { scheduleFromRun } from '../nemesis/fixed-schedule.js';
import { shellQuote } from '../run/options/replay-command.js';
import { readStoredTest } from '../run/stored-run.js';
import { runTest, type TestResult } from './run.js';

export interface ReplaySummary {
  runs: TestResult[];
  invalid: number;
  unknown: number;
}

export interface ReplayOptions {
  repeat?: number;
  verbose?: boolean;
  /** The workload file of a run that used one (required for such a run). */
  config?: string;
  onResult?: (r: TestResult, i: number) => void;
}

export async function replayRun(runDir: string, o: ReplayOptions = {}): Promise<ReplaySummary> {
  const stored = readStoredTest(runDir);
  const path = stored.path;
  if (!stored.schedule) throw new UsageError(`${path}: no schedule recorded (the run did not finish its teardown); replay needs the faults as they ran`);
  if (stored.schedule.some((s) => typeof s.at !== 'number')) throw new UsageError(`${path}: the schedule has no fault times (written by an older faultline); run it again instead`);
  if (stored.configPath !== undefined && o.config === undefined) {
    throw new UsageError(
      `${runDir} ran the workload file ${stored.configPath}; replay never loads code named in a run directory: pass the file yourself: faultline replay ${shellQuote(runDir)} --config ${shellQuote(stored.configPath)}`,
    );
  }
  const { workload, schedule: _planned, ...options } = stored.options;
  void _planned;
  if (typeof options.timeLimit !== 'number') throw new UsageError(`${path}: options.timeLimit must be a number`);
  const schedule = scheduleFromRun(stored.schedule, options.timeLimit);
  const runs: TestResult[] = [];
  const repeat = o.repeat ?? 1;
  for (let i = 0; i < repeat; i++) {
    const r = await runTest({
      ...options,
      workload,
      ...(o.config !== undefined ? { config: o.config } : {}),
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
