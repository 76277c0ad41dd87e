/**
 * A fault schedule given in advance instead of drawn by the nemesis generator: what a
 * replay runs (the schedule as it ran, from test.json) and what fast-check's arbitraries
 * produce (so that shrinking a failing schedule means shrinking the faults themselves).
 */
import { gen, sleep } from '../core/generator/index.js';
import type { Generator, OpTemplate } from '../core/generator/types.js';
import type { FaultKind } from './schedule.js';

/** One fault op at `at` seconds after the main phase starts. */
export interface ScheduledFault {
  at: number;
  f: string;
  value: unknown;
}

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

/** The fault kind (for --nemesis) that carries out a fault op. */
export function kindOfFaultOp(f: string): FaultKind | undefined {
  const kinds: Record<string, FaultKind> = {
    'start-partition': 'partition',
    'stop-partition': 'partition',
    kill: 'kill',
    start: 'kill',
    pause: 'pause',
    resume: 'pause',
    'clock-bump': 'clock',
    'clock-strobe': 'clock',
    'clock-reset': 'clock',
    'start-loss': 'loss',
    'stop-loss': 'loss',
    'start-bandwidth': 'bandwidth',
    'stop-bandwidth': 'bandwidth',
    'start-latency': 'latency',
    'stop-latency': 'latency',
  };
  return kinds[f];
}

/** The fault kinds a schedule needs, for the nemesis that will carry it out. */
export function kindsOf(faults: readonly ScheduledFault[]): FaultKind[] {
  return [...new Set(faults.map((x) => kindOfFaultOp(x.f)).filter((k): k is FaultKind => k !== undefined))];
}
