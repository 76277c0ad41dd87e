/**
 * The report step of `checkRun`: writes report.html and returns the line for the
 * terminal. A report that cannot be written is a line saying why, never a changed verdict
 * or exit code: the verdict is in results.json already.
 */
import { writeReport } from './write-report.js';

export function reportAfterCheck(runDir: string): string {
  try {
    const r = writeReport(runDir);
    return `  report: ${r.path} (${(r.bytes / 1024).toFixed(0)} KiB)`;
  } catch (e) {
    return `  report: not written (${(e as Error).message})`;
  }
}
