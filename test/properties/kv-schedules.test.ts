/**
 * Property-based consistency checks on the built-in kv system with fast-check fault
 * schedules: the naive variant must fail and shrink to a small schedule that replays; the
 * careful variant must hold for every schedule tried. Real clusters, short runs.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../../src/api/run.js';
import { replayRun } from '../../src/api/replay.js';
import { faultSchedule } from '../../src/testing/arbitraries.js';
import { checkScheduleProperty } from '../../src/testing/property.js';
import '../../src/vitest.js';
import { repoRoot } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-properties');
afterAll(() => rmSync(out, { recursive: true, force: true }));

const short = { workload: 'register', nodes: 3, timeLimit: 4, recoveryTime: 1, concurrency: 6, out } as const;
const schedules = faultSchedule({ nodes: 3, timeLimit: 4, maxFaults: 3, maxDuration: 2 });

describe('fault-schedule properties', () => {
  it('naive kv: the property fails, shrinks to at most two faults, and the replay fails too', async () => {
    const cx = await checkScheduleProperty({
      schedules,
      run: (schedule) => runTest({ ...short, variant: 'naive', seed: 11, schedule }),
      numRuns: 3,
      seed: 42,
      timeLimitMs: 150_000,
    });
    expect(cx, 'the naive variant should not hold').toBeDefined();
    const faults = cx!.schedule.filter((s) => ['start-partition', 'kill', 'pause'].includes(s.f));
    expect(faults.length).toBeLessThanOrEqual(2);
    expect(cx!.message).toMatch(/replay: npx faultline replay .* --repeat 5/);
    expect(cx!.result).toBeInvalid();
    const replay = await replayRun(cx!.result.runDir, { repeat: 2 });
    expect(replay.invalid).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it('careful kv: never invalid, whatever the schedule', async () => {
    const cx = await checkScheduleProperty({
      schedules,
      // Pausing the primary makes every op in flight indeterminate; a search budget keeps
      // such runs short (unknown is an honest answer, invalid would be a bug).
      run: (schedule) => runTest({ ...short, variant: 'careful', seed: 12, schedule, checkerTimeout: 20, verbose: true }),
      holds: (r) => r.valid !== false,
      numRuns: 3,
      seed: 7,
    });
    expect(cx?.message).toBeUndefined();
  }, 300_000);

  it('toBeValid explains a failure: checker, operations, report and replay', async () => {
    const r = await runTest({ ...short, variant: 'naive', seed: 13, nemesis: [] });
    expect(r.valid).toBe(false);
    let message = '';
    try {
      expect(r).toBeValid();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/checker linearizability: invalid/);
    expect(message).toMatch(/key k\d: /);
    expect(message).toMatch(/op \d+: /);
    expect(message).toMatch(/report: .*report\.html/);
    expect(message).toMatch(/replay: npx faultline replay/);
  }, 120_000);
});
