/**
 * Reading shared directories (run directories are CI artifacts; `faultline serve` reads a
 * whole tree of them) without being led elsewhere by a symlink: a path counts only when
 * its real path lies inside the directory it was looked up in, and a file only when it is
 * a regular file (a FIFO would block a read forever).
 */
import { realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';

/** The real path of `dir`, or undefined when it does not exist. */
export function realDir(dir: string): string | undefined {
  try {
    const r = realpathSync(dir);
    return statSync(r).isDirectory() ? r : undefined;
  } catch {
    return undefined;
  }
}

function inside(baseReal: string, real: string): boolean {
  return real === baseReal || real.startsWith(baseReal.endsWith(sep) ? baseReal : baseReal + sep);
}

/** The real path of `path` when it exists, is a directory and lies inside `baseReal`. */
export function dirInside(baseReal: string, path: string): string | undefined {
  const r = realDir(path);
  return r !== undefined && inside(baseReal, r) ? r : undefined;
}

/** The real path of `path` when it exists, is a regular file and lies inside `baseReal`. */
export function fileInside(baseReal: string, path: string): string | undefined {
  try {
    const r = realpathSync(path);
    return inside(baseReal, r) && statSync(r).isFile() ? r : undefined;
  } catch {
    return undefined;
  }
}
