/**
 * Finds workloads by name in the compiled `workloads/` folder: one file per workload,
 * so adding one needs no registry edit. Names are looked up in a Map of the files found
 * (a workload called `__proto__` or `constructor` is simply unknown).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findUserWorkload, loadWorkloadFile } from '../config/load.js';
import { UsageError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import type { Workload } from './workload.js';

// Always the compiled workloads, also when this module runs from source (tests): the
// nodes they start run compiled code too.
const dir = pathToFileURL(join(packageRoot, 'dist', 'workloads') + '/');

/** Built-in workload names and the URL of each one's module. */
function builtins(): Map<string, URL> {
  try {
    const files = readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.js') && !f.startsWith('_') && f !== 'index.js');
    return new Map(files.map((f) => [f.slice(0, -3), new URL(f, dir)] as const).sort(([a], [b]) => a.localeCompare(b)));
  } catch {
    return new Map();
  }
}

export function workloadNames(): string[] {
  return [...builtins().keys()];
}

/** A built-in workload by name, or undefined when there is none of that name. */
export async function builtinWorkload(name: string): Promise<Workload | undefined> {
  const url = builtins().get(name);
  if (!url) return undefined;
  const mod = (await import(url.href)) as { workload?: Workload };
  if (!mod.workload) throw new UsageError(`workloads/${name} does not export a workload`);
  return mod.workload;
}

/** Every built-in workload (for help and docs). */
export async function builtinWorkloads(): Promise<Workload[]> {
  const out: Workload[] = [];
  for (const name of workloadNames()) out.push((await builtinWorkload(name))!);
  return out;
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
  const builtin = await builtinWorkload(name);
  if (builtin) return builtin;
  const user = /^[a-z0-9][a-z0-9-]*$/.test(name) ? await findUserWorkload(name) : undefined;
  if (user) return user;
  const known = workloadNames();
  throw new UsageError(
    `unknown workload "${name}"; available: ${known.join(', ') || '(none built: run npm run build)'} (or your own: faultline init, then --config faultline.config.ts)`,
  );
}
