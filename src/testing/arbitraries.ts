/**
 * fast-check arbitraries for fault schedules and op mixes, so a property can say "for every
 * schedule of faults, the system stays linearizable" and, when it does not, fast-check
 * shrinks the schedule toward the fewest, earliest, shortest faults that still break it.
 *
 *   fc.assert(fc.asyncProperty(faultSchedule({ nodes: 5, timeLimit: 10 }), async (s) =>
 *     (await runTest({ workload: 'register', schedule: s, timeLimit: 10 })).valid === true))
 *
 * A schedule is an array of faults, each a start op at `at` and its undo `duration` seconds
 * later; removing an element removes both, so shrinking never leaves a fault without its heal.
 */
import fc from 'fast-check';
import { nodeNames } from '../cluster/cluster.js';
import type { ScheduledFault } from '../core/test.js';
import { kill } from '../nemesis/kill.js';
import { partition } from '../nemesis/partition.js';
import { pause } from '../nemesis/pause.js';
import { faultPackage } from '../nemesis/registry.js';

/** The kinds a schedule draws from by default: the ones every backend and system support. */
export const SCHEDULE_KINDS = [partition.kind, kill.kind, pause.kind] as const;
type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface FaultScheduleOptions {
  /** Node names, or how many (n1..nN). */
  nodes: number | readonly string[];
  /** Seconds of the main phase; faults start before it ends. */
  timeLimit: number;
  kinds?: readonly ScheduleKind[];
  /** At most this many faults (default 4). */
  maxFaults?: number;
  /** Longest fault in seconds (default 5). */
  maxDuration?: number;
}

/** One fault as fast-check sees it: small integers shrink toward earlier and shorter. */
export interface Fault {
  kind: ScheduleKind;
  at: number;
  duration: number;
  /** Partition: one side (the rest is the other side); kill/pause: the nodes hit. */
  nodes: string[];
}

function faultArbitrary(o: FaultScheduleOptions): fc.Arbitrary<Fault> {
  const nodes = typeof o.nodes === 'number' ? nodeNames(o.nodes) : [...o.nodes];
  const kinds = o.kinds ?? SCHEDULE_KINDS;
  return fc.record({
    kind: fc.constantFrom(...kinds),
    at: fc.integer({ min: 0, max: Math.max(0, Math.floor(o.timeLimit) - 1) }),
    duration: fc.integer({ min: 1, max: o.maxDuration ?? 5 }),
    // Shrinks toward fewer nodes: a single node isolated, killed or paused.
    nodes: fc.subarray(nodes, { minLength: 1, maxLength: Math.max(1, nodes.length - 1) }),
  });
}

/** The ops that carry out one fault: its start, then its undo (the package aims it at the fault's nodes). */
function faultOps(fault: Fault, allNodes: readonly string[]): ScheduledFault[] {
  const aimed = faultPackage(fault.kind)?.aimed?.(fault.nodes, allNodes);
  if (!aimed) throw new RangeError(`fault kind ${fault.kind} cannot be aimed at given nodes`);
  return [
    { at: fault.at, f: aimed.start.f, value: aimed.start.value },
    { at: fault.at + fault.duration, f: aimed.stop.f, value: aimed.stop.value },
  ];
}

/** Faults as fast-check values; use `toSchedule` (or `faultSchedule`) to get the ops. */
export function faultList(o: FaultScheduleOptions): fc.Arbitrary<Fault[]> {
  return fc.array(faultArbitrary(o), { maxLength: o.maxFaults ?? 4 });
}

export function toSchedule(faults: readonly Fault[], nodes: number | readonly string[]): ScheduledFault[] {
  const all = typeof nodes === 'number' ? nodeNames(nodes) : [...nodes];
  return faults.flatMap((f) => faultOps(f, all)).sort((a, b) => a.at - b.at);
}

/** A schedule of fault ops ready for `runTest({ schedule })`; shrinks with its faults. */
export function faultSchedule(o: FaultScheduleOptions): fc.Arbitrary<ScheduledFault[]> {
  return faultList(o).map((faults) => toSchedule(faults, o.nodes));
}

/** A readable one-line description of a schedule, for counterexamples. */
export function describeSchedule(schedule: readonly ScheduledFault[]): string {
  if (schedule.length === 0) return '(no faults)';
  return schedule.map((s) => `${s.at}s ${s.f} ${JSON.stringify(s.value)}`).join('; ');
}

/** Relative weights of read, write and cas for `registerOps({ mix })`; shrinks toward small weights. */
export function opMix(): fc.Arbitrary<{ read: number; write: number; cas: number }> {
  return fc.record({ read: fc.integer({ min: 0, max: 5 }), write: fc.integer({ min: 1, max: 5 }), cas: fc.integer({ min: 0, max: 5 }) });
}
