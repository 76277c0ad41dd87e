/**
 * Finds workloads by name in the compiled `workloads/` folder: one file per workload,
 * so adding one needs no registry edit.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';
import type { Workload } from './workload.js';

const dir = new URL('../../workloads/', import.meta.url);

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

export async function loadWorkload(name: string): Promise<Workload> {
  const known = workloadNames();
  if (!/^[a-z0-9-]+$/.test(name) || !known.includes(name)) {
    throw new UsageError(`unknown workload "${name}"; available: ${known.join(', ') || '(none built: run npm run build)'}`);
  }
  const mod = (await import(new URL(`${name}.js`, dir).href)) as { workload?: Workload };
  if (!mod.workload) throw new UsageError(`workloads/${name} does not export a workload`);
  return mod.workload;
}
