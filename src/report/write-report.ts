/** Writes `report.html` into a run directory and says how big it is and how long it took. */
import { join } from 'node:path';
import { writeFileNoFollow } from '../core/safe-write.js';
import { loadRun } from './load-run.js';
import { renderReport } from './page.js';

export const REPORT_FILE = 'report.html';

interface WrittenReport {
  path: string;
  bytes: number;
  ms: number;
}

export function writeReport(runDir: string): WrittenReport {
  const started = performance.now();
  const html = renderReport(loadRun(runDir));
  const path = join(runDir, REPORT_FILE);
  writeFileNoFollow(path, html);
  return { path, bytes: Buffer.byteLength(html), ms: Math.round(performance.now() - started) };
}
