/**
 * A fault schedule given in advance instead of drawn by the nemesis generator: what a
 * replay runs (the schedule as it ran, from test.json) and what fast-check's arbitraries
 * produce (so that shrinking a failing schedule means shrinking the faults themselves).
 * Ops of several kinds may overlap: the list is just fault ops at their times.
 */
import { gen, sleep } from '../core/generator/index.js';
import type { Generator, OpTemplate } from '../core/generator/types.js';
import type { ScheduledFault } from '../core/test.js';

export function fixedSchedule(faults: readonly ScheduledFault[]): Generator {
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  const steps: (Generator | OpTemplate)[] = [];
  let now = 0;
  for (const fault of sorted) {
    if (fault.at > now) steps.push(sleep(fault.at - now));
    now = Math.max(now, fault.at);
    steps.push({ f: fault.f, value: fault.value });
  }
  return gen(steps);
}

/** The fault ops of a run's main phase, from test.json's `schedule`, ready to replay. */
export function scheduleFromRun(schedule: readonly { at: number; f: string; value: unknown; type: string }[], timeLimit: number): ScheduledFault[] {
  return schedule.filter((s) => s.type === 'ok' && s.at < timeLimit).map((s) => ({ at: s.at, f: s.f, value: s.value }));
}
