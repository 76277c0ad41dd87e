/**
 * A Debian base image for systems that need a full userland (a shell, apt, packages):
 * `debootstrap --variant=minbase` into a directory, imported like the rootfs images. Its
 * contents are only known after a slow build (minutes, from a Debian mirror), so the tag
 * hashes the inputs instead: suite, variant, mirror and extra packages.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { FaultlineError } from '../../core/errors.js';
import { run } from '../sh.js';
import { unmountUnder } from './mounts.js';
import { imageExists, importDirectory, type EnsureResult } from './rootfs.js';

const RECIPE_VERSION = 1;

interface DebianRecipe {
  suite: string;
  mirror: string;
  /** Extra packages (debootstrap --include). */
  include: readonly string[];
}

function defaultDebianRecipe(): DebianRecipe {
  return { suite: 'bookworm', mirror: process.env.FAULTLINE_DEBIAN_MIRROR ?? aptMirror(), include: [] };
}

/**
 * The Debian mirror this machine's apt already uses (deb822 `URIs:` in sources.list.d, or a
 * classic `deb` line), so the image comes from the same place as every other package and
 * nothing here names a host of its own.
 */
function aptMirror(): string {
  const files = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').filter((f) => f.endsWith('.sources') || f.endsWith('.list'))];
  for (const f of files) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const m = /^URIs:\s*(\S+\/debian)\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+\S+/m.exec(text);
    if (m) return m[1]!;
  }
  throw new FaultlineError('no Debian mirror found in /etc/apt/sources.list*: set FAULTLINE_DEBIAN_MIRROR to the mirror apt uses');
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function debianHash(r: DebianRecipe): string {
  return createHash('sha256').update(JSON.stringify({ v: RECIPE_VERSION, variant: 'minbase', ...r, include: [...r.include].sort() })).digest('hex').slice(0, 16);
}

export async function ensureDebianImage(docker: Docker, recipe = defaultDebianRecipe(), log?: (m: string) => void, signal?: AbortSignal): Promise<EnsureResult> {
  const hash = debianHash(recipe);
  const tag = `faultline/debian:${hash}`;
  if (await imageExists(docker, tag)) return { tag, built: false };
  const have = await run(['sh', '-c', 'command -v debootstrap']).catch(() => undefined);
  if (have?.exitCode !== 0) throw new FaultlineError('the debian image needs debootstrap: apt-get install -y debootstrap');
  log?.(`building image ${tag}: debootstrap --variant=minbase ${recipe.suite} from ${recipe.mirror} (takes minutes)`);
  const stage = mkdtempSync(join(tmpdir(), 'faultline-debian-'));
  try {
    const include = recipe.include.length ? [`--include=${recipe.include.join(',')}`] : [];
    const r = await run(['debootstrap', '--variant=minbase', ...include, recipe.suite, stage, recipe.mirror], 15 * 60_000, signal);
    if (r.exitCode !== 0) throw new FaultlineError(`debootstrap failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? ''}`);
    const stuck = await unmountUnder(stage);
    if (stuck.length) throw new FaultlineError(`debootstrap left ${stuck.join(', ')} mounted and umount failed; unmount it, then run faultline images debian again`);
    await importDirectory(docker, stage, 'faultline/debian', hash);
  } finally {
    // Never delete recursively across a mount point (a /proc left mounted is the host's).
    if ((await unmountUnder(stage)).length === 0) rmSync(stage, { recursive: true, force: true });
    else log?.(`left ${stage} in place: something is still mounted below it`);
  }
  return { tag, built: true };
}
