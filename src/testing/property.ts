/**
 * A property over fault schedules that ends, when it fails, with what a developer needs:
 * the shrunk schedule in words, the run that shows it, and the command that replays it.
 */
import fc from 'fast-check';
import type { TestResult } from '../api/run.js';
import type { ScheduledFault } from '../core/test.js';
import { faultOpRole } from '../nemesis/registry.js';
import { describeSchedule } from './arbitraries.js';

export interface SchedulePropertyOptions {
  schedules: fc.Arbitrary<ScheduledFault[]>;
  /** Runs one test with the schedule. */
  run: (schedule: ScheduledFault[]) => Promise<TestResult>;
  /** What must hold; default: the run is valid. */
  holds?: (r: TestResult) => boolean;
  numRuns?: number;
  seed?: number;
  /** Stop exploring (and shrinking) after this many ms. */
  timeLimitMs?: number;
}

export interface ScheduleCounterexample {
  schedule: ScheduledFault[];
  result: TestResult;
  /** Human-readable: the faults, the run directory, the replay command. */
  message: string;
  shrinks: number;
}

/** Runs the property; resolves undefined when it held, or the shrunk counterexample. */
export async function checkScheduleProperty(o: SchedulePropertyOptions): Promise<ScheduleCounterexample | undefined> {
  const holds = o.holds ?? ((r) => r.valid === true);
  const results = new Map<string, TestResult>();
  const details = await fc.check(
    fc.asyncProperty(o.schedules, async (schedule) => {
      const r = await o.run(schedule);
      results.set(JSON.stringify(schedule), r);
      return holds(r);
    }),
    {
      numRuns: o.numRuns ?? 5,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.timeLimitMs !== undefined ? { interruptAfterTimeLimit: o.timeLimitMs, markInterruptAsFailure: false } : {}),
    },
  );
  if (!details.failed || !details.counterexample) return undefined;
  const [schedule] = details.counterexample;
  const result = results.get(JSON.stringify(schedule));
  // The run itself threw (a harness error, not a verdict): that is the error to report.
  if (!result) throw details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
  const faults = schedule.filter((s) => faultOpRole(s.f)?.role === 'start').length;
  const message = [
    `property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s) to ${faults} fault(s):`,
    `  schedule: ${describeSchedule(schedule)}`,
    `  run: ${result.runDir} (${String(result.valid)})`,
    `  replay: ${result.replay} --repeat 5`,
    `  fast-check seed: ${details.seed}`,
  ].join('\n');
  return { schedule, result, message, shrinks: details.numShrinks };
}
