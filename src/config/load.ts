/**
 * Finds and loads a user's workload file. TypeScript files are loaded with jiti (Node 20
 * cannot strip types itself), so users write `faultline.config.ts` with full types and no
 * build step. Anything wrong with the file is one line naming the file.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';
import { UsageError } from '../core/errors.js';
import { toWorkload, type UserWorkload } from './to-workload.js';
import { validateWorkloadConfig } from './validate.js';

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** Where `npm run test:jepsen -- <name>` looks in the user's project, in order. */
function candidateFiles(name: string, cwd = process.cwd()): string[] {
  return [
    ...EXTENSIONS.map((e) => join(cwd, 'workloads', `${name}${e}`)),
    ...EXTENSIONS.map((e) => join(cwd, `faultline.config${e}`)),
  ];
}

export async function loadWorkloadFile(path: string): Promise<UserWorkload> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`workload file ${path} does not exist (create one with: faultline init)`);
  let mod: unknown;
  try {
    const jiti = createJiti(pathToFileURL(file).href, { moduleCache: false, fsCache: false });
    mod = await jiti.import(file);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new UsageError(`${path}: cannot load: ${msg}`);
  }
  const exported = (mod as { default?: unknown }).default ?? (mod as { workload?: unknown }).workload;
  const config = validateWorkloadConfig(exported, path);
  return toWorkload(config, file, dirname(file));
}

/** A user workload called `name` in the current project, if there is one. */
export async function findUserWorkload(name: string, cwd = process.cwd()): Promise<UserWorkload | undefined> {
  for (const f of candidateFiles(name, cwd)) {
    if (!existsSync(f)) continue;
    const w = await loadWorkloadFile(f);
    // faultline.config.* may define another name; workloads/<name>.* must match.
    if (w.name === name) return w;
    if (f.includes(`${join('workloads', name)}.`)) throw new UsageError(`${f}: defines workload "${w.name}", expected "${name}" (its file name)`);
  }
  return undefined;
}
