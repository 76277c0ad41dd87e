/**
 * The runs under a reports directory (`<root>/<workload>/<timestamp>/test.json`), newest
 * first, with what the index page shows: workload, time, verdict, seed. Only directories
 * whose real path is inside the root count (a symlink out of it is not a run of ours), and
 * a run whose files cannot be read is listed with the error: it never hides the others.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dirInside, fileInside, realDir } from '../core/confine.js';
import { runFiles } from '../core/run-dir.js';
import { readResults, readTestDocChecked, scalarText } from './load-run.js';
import { overallVerdict, type Verdict } from './results-doc.js';
import { REPORT_FILE } from './write-report.js';

export interface RunEntry {
  workload: string;
  /** The timestamp directory name. */
  stamp: string;
  dir: string;
  startedAt?: string;
  variant?: string;
  seed?: string;
  /** Undefined when the run was never checked (no results.json). */
  verdict?: Verdict;
  hasReport: boolean;
  hasHistory: boolean;
  /** What is wrong with the run's files (a malformed test.json), shown instead of a verdict. */
  error?: string;
}

/** Directory names we accept in URLs too: no dots-only names, no separators. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function subdirs(rootReal: string, dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => SAFE_NAME.test(n) && dirInside(rootReal, join(dir, n)) !== undefined);
  } catch {
    return [];
  }
}

export function listRuns(root: string): RunEntry[] {
  const rootReal = realDir(root);
  if (rootReal === undefined) return [];
  const runs: RunEntry[] = [];
  for (const workload of subdirs(rootReal, root)) {
    for (const stamp of subdirs(rootReal, join(root, workload))) {
      const dir = join(root, workload, stamp);
      const dirReal = dirInside(rootReal, dir);
      if (dirReal === undefined || fileInside(dirReal, runFiles.test(dir)) === undefined) continue;
      runs.push(runEntry(workload, stamp, dir, dirReal));
    }
  }
  return runs.sort((a, b) => (b.startedAt ?? b.stamp).localeCompare(a.startedAt ?? a.stamp) || b.stamp.localeCompare(a.stamp));
}

function runEntry(workload: string, stamp: string, dir: string, dirReal: string): RunEntry {
  const e: RunEntry = {
    workload,
    stamp,
    dir,
    hasReport: fileInside(dirReal, join(dir, REPORT_FILE)) !== undefined,
    hasHistory: fileInside(dirReal, runFiles.history(dir)) !== undefined,
  };
  try {
    const { doc: test, error } = readTestDocChecked(dir);
    if (error !== undefined) e.error = error;
    if (test.startedAt) e.startedAt = test.startedAt;
    const variant = scalarText(test.options.variant);
    if (variant !== undefined) e.variant = variant;
    const seed = scalarText(test.options.seed);
    if (seed !== undefined) e.seed = seed;
    const results = readResults(dir);
    if (results !== undefined) e.verdict = overallVerdict(results);
  } catch (err) {
    e.error = `cannot read the run: ${(err as Error).message}`;
  }
  return e;
}
