/**
 * Where the package lives, so code can name compiled files (node processes of the systems
 * under test run compiled JavaScript) whether it runs from dist/ or from source in tests.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
  return dir;
}

export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

/** The compiled file for a source path relative to the package root, e.g. "src/systems/kv/server.ts". */
export function compiled(sourcePath: string): string {
  return join(packageRoot, 'dist', sourcePath.replace(/\.ts$/, '.js'));
}
