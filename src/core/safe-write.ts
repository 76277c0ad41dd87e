/**
 * Writing a file in a run directory without following a symlink planted at its name: run
 * directories are shared (CI artifacts, `faultline serve`), and `results.json` or
 * `report.html` pointing elsewhere must not make the harness overwrite that elsewhere.
 * The data goes to a new file created exclusively beside the target, which then replaces
 * the target by rename (rename replaces a symlink itself, never what it points to).
 *
 * (A local helper: the `security` branch adds a shared safe-write helper in parallel; the
 * two should become one when both are merged.)
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileNoFollow(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': fails if anything (a symlink included) is already at the temporary name.
  writeFileSync(tmp, data, { flag: 'wx' });
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
