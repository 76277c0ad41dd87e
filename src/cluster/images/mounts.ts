/**
 * Mounts a build left inside its staging directory. debootstrap mounts /proc (and on some
 * hosts /sys) in its target and, when its own cleanup fails, leaves them mounted: then
 * tar would read the host's /proc and a recursive delete would walk into it. Every
 * staging directory is unmounted before it is read or removed.
 */
import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { run } from '../sh.js';

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const root = resolve(dir);
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    // mountinfo escapes space, tab, newline and backslash as \ooo.
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === root || p.startsWith(root + sep));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Detaches every mount below `dir`; answers the mount points still there afterwards. */
export async function unmountUnder(dir: string): Promise<string[]> {
  for (const point of mountsUnder(dir)) await run(['umount', '-l', point]).catch(() => undefined);
  return mountsUnder(dir);
}
