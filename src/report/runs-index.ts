/**
 * The runs under a reports directory (`<root>/<workload>/<timestamp>/test.json`), newest
 * first, with what the index page shows: workload, time, verdict, seed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runFiles } from '../core/run-dir.js';
import { readResults, readTestDoc } from './load-run.js';
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
}

/** Directory names we accept in URLs too: no dots-only names, no separators. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => SAFE_NAME.test(n) && statSync(join(dir, n)).isDirectory());
  } catch {
    return [];
  }
}

export function listRuns(root: string): RunEntry[] {
  const runs: RunEntry[] = [];
  for (const workload of subdirs(root)) {
    for (const stamp of subdirs(join(root, workload))) {
      const dir = join(root, workload, stamp);
      if (!existsSync(runFiles.test(dir))) continue;
      const test = readTestDoc(dir);
      const results = readResults(dir);
      const e: RunEntry = { workload, stamp, dir, hasReport: existsSync(join(dir, REPORT_FILE)), hasHistory: existsSync(runFiles.history(dir)) };
      if (test.startedAt) e.startedAt = test.startedAt;
      if (test.options.variant !== undefined) e.variant = String(test.options.variant);
      if (test.options.seed !== undefined) e.seed = String(test.options.seed);
      if (results !== undefined) e.verdict = overallVerdict(results);
      runs.push(e);
    }
  }
  return runs.sort((a, b) => (b.startedAt ?? b.stamp).localeCompare(a.startedAt ?? a.stamp) || b.stamp.localeCompare(a.stamp));
}
