/**
 * --faults-overlap on a real local cluster: faults of different kinds are in force at the
 * same time, the history, test.json's schedule and the report show each window, and
 * `faultline replay` runs the same faults again, overlaps included.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Op } from '../../src/core/op.js';
import { scheduleFromRun } from '../../src/nemesis/fixed-schedule.js';
import { faultWindows } from '../../src/report/fault-windows.js';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-overlap');
afterAll(() => rmSync(out, { recursive: true, force: true }));

const history = (dir: string): Op[] => readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Op);
/** The main phase's fault ops as they ran, as a replay schedules them. */
const mainFaults = (dir: string) => {
  const test = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { options: { timeLimit: number }; schedule: { at: number; f: string; value: unknown; type: string }[] };
  return scheduleFromRun(test.schedule, test.options.timeLimit).map((s) => [s.f, s.value]);
};

describe('overlapping faults', () => {
  it('partitions and kills overlap; the report and the replay show each window', async () => {
    const r = await cli(['run', 'register', '--variant', 'careful', '--seed', '21', '--nemesis', 'partition,kill', '--faults-overlap', '--time-limit', '12', '--nemesis-interval', '1', '--recovery-time', '1', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const test = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8'));
    expect(test.options.faultsOverlap).toBe(true);
    expect(test.replay).toMatch(/ --faults-overlap /);
    const windows = faultWindows(history(dir));
    const overlaps = windows.filter((a) => windows.some((b) => a.kind !== b.kind && a.start < b.end && b.start < a.end));
    expect(new Set(overlaps.map((w) => w.kind))).toEqual(new Set(['partition', 'kill']));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const w of overlaps) expect(html).toContain(w.label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));

    const replay = await cli(['replay', dir]);
    expect(replay.code, replay.stderr).toBe(0);
    const replayed = readdirSync(join(out, 'register')).map((d) => join(out, 'register', d)).find((d) => d !== dir)!;
    // The replay did the same fault ops, with the same targets, in the same order (as many
    // as its own time limit let it: on a loaded machine the last may fall after it).
    const asked = mainFaults(dir);
    const done = mainFaults(replayed);
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done).toEqual(asked.slice(0, done.length));
    // …so the same faults overlapped again.
    const again = faultWindows(history(replayed));
    expect(again.some((a) => again.some((b) => a.kind !== b.kind && a.start < b.end && b.start < a.end))).toBe(true);
  });
});
