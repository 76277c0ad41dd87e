/**
 * Finds workloads by name in the compiled `workloads/` folder: one file per workload,
 * so adding one needs no registry edit.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from './paths.js';
import { UsageError } from './errors.js';
import type { Workload } from './workload.js';
import { findUserWorkload, loadWorkloadFile } from '../config/load.js';

// Always the compiled workloads, also when this module runs from source (tests): the
// nodes they start run compiled code too.
const dir = pathToFileURL(join(packageRoot, 'dist', 'workloads') + '/');

export function workloadNames(): string[] {
  try {
    return readdirSync(fileURLToPath(dir))
      .filter((f) => f.endsWith('.js') && !f.startsWith('_') && f !== 'index.js')
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A workload by name: a built-in one from `workloads/`, else one of the user's project
 * (`workloads/<name>.ts` or `faultline.config.ts` in the current directory), or the file
 * given with `--config`.
 */
export async function loadWorkload(name: string, o: { config?: string } = {}): Promise<Workload> {
  if (o.config !== undefined) {
    const w = await loadWorkloadFile(o.config);
    if (name && name !== w.name) throw new UsageError(`${o.config} defines workload "${w.name}", not "${name}"`);
    return w;
  }
  const known = workloadNames();
  if (/^[a-z0-9-]+$/.test(name) && known.includes(name)) {
    const mod = (await import(new URL(`${name}.js`, dir).href)) as { workload?: Workload };
    if (!mod.workload) throw new UsageError(`workloads/${name} does not export a workload`);
    return mod.workload;
  }
  const user = /^[a-z0-9-]+$/.test(name) ? await findUserWorkload(name) : undefined;
  if (user) return user;
  throw new UsageError(
    `unknown workload "${name}"; available: ${known.join(', ') || '(none built: run npm run build)'} (or your own: faultline init, then --config faultline.config.ts)`,
  );
}
