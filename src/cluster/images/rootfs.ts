/**
 * Builds an image without a registry: copy a few host binaries and the shared libraries
 * `ldd` says they load into an empty directory tree, tar it, and `docker import` it. The
 * tag is a hash of the recipe and every file's bytes, so an unchanged image is found by
 * tag and never rebuilt.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { FaultlineError } from '../../core/errors.js';
import { LABEL_IMAGE, LABEL_IMAGE_HASH } from '../docker-names.js';
import { run } from '../sh.js';

/** Bump when the layout of built images changes, so old tags stop matching. */
const RECIPE_VERSION = 2;

export interface RootfsRecipe {
  /** Short image name: the tag is `faultline/<name>:<hash>`. */
  name: string;
  /** Absolute host paths of the programs; each lands at the same path in the image. */
  binaries: readonly string[];
  /** Other host files (plugins, data) at the same path; shared objects among them bring their libraries. */
  files?: readonly string[];
  /** Empty writable directories the programs expect (besides /tmp), e.g. "run". */
  dirs?: readonly string[];
}

/** The shared libraries (and the loader) a dynamically linked program needs, by absolute path. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const r = await run(['ldd', binary]);
  // A static binary: ldd says "not a dynamic executable" and exits non-zero.
  if (r.exitCode !== 0) return [];
  const libs: string[] = [];
  for (const line of r.stdout.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (m) libs.push(m[1]!);
    else if (/=> not found/.test(line)) throw new FaultlineError(`${binary} needs a library that is missing on this host: ${line.trim()}`);
  }
  return libs;
}

/** Every file of the image (binaries and their libraries), sorted and without duplicates. */
export async function recipeFiles(recipe: RootfsRecipe): Promise<string[]> {
  const files = new Set<string>();
  for (const b of [...recipe.binaries, ...(recipe.files ?? [])]) {
    files.add(b);
    if (recipe.binaries.includes(b) || /\.so(\.|$)/.test(b)) for (const lib of await sharedLibraries(b)) files.add(lib);
  }
  return [...files].sort();
}

/** Content hash of the image to be: recipe version, paths, modes and bytes of every file. */
async function recipeHash(files: readonly string[], dirs: readonly string[] = []): Promise<string> {
  const h = createHash('sha256');
  h.update(`faultline-rootfs-v${RECIPE_VERSION}\n${dirs.join(',')}\n`);
  for (const f of files) h.update(`${f}\n${statSync(f).mode & 0o777}\n${await fileDigest(f)}\n`);
  return h.digest('hex').slice(0, 16);
}

/**
 * Digests by file identity (device, inode, size, mtime): reading the 100 MB node binary
 * costs ~0.2 s, paid once per process instead of once per cluster (tests, benchmarks).
 */
const digests = new Map<string, string>();

async function fileDigest(file: string): Promise<string> {
  const st = statSync(file);
  const id = `${file}:${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  const known = digests.get(id);
  if (known) return known;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  const d = h.digest('hex');
  digests.set(id, d);
  return d;
}

export interface EnsureResult {
  tag: string;
  built: boolean;
}

/** Returns the image's tag, importing it first unless an image with that tag exists. */
export async function ensureRootfsImage(docker: Docker, recipe: RootfsRecipe, log?: (m: string) => void): Promise<EnsureResult> {
  const files = await recipeFiles(recipe);
  const hash = await recipeHash(files, recipe.dirs);
  const tag = `faultline/${recipe.name}:${hash}`;
  if (await imageExists(docker, tag)) return { tag, built: false };
  log?.(`building image ${tag} from ${files.length} host files`);
  const stage = mkdtempSync(join(tmpdir(), 'faultline-rootfs-'));
  try {
    for (const f of files) {
      // Copy the target of a symlink (libc.so.6 → libc-2.36.so) under the name ldd gave.
      const dest = join(stage, f);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(realpathSync(f), dest);
      chmodSync(dest, statSync(f).mode & 0o777);
    }
    // Programs expect a writable /tmp (and some a /run for lock files).
    for (const d of ['tmp', ...(recipe.dirs ?? [])]) {
      mkdirSync(join(stage, d), { recursive: true });
      chmodSync(join(stage, d), 0o1777);
    }
    await importDirectory(docker, stage, `faultline/${recipe.name}`, hash, { rootOwned: true });
  } catch (e) {
    throw new FaultlineError(`building image ${tag} failed: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  if (!(await imageExists(docker, tag))) throw new FaultlineError(`building image ${tag} failed: the engine did not keep it`);
  return { tag, built: true };
}

/** Tars a directory tree as an image's root filesystem and imports it under `repo:hash`, labelled. */
export async function importDirectory(docker: Docker, dir: string, repo: string, hash: string, o: { rootOwned?: boolean } = {}): Promise<void> {
  // Copied host files belong to whoever ran the build; in the image they belong to root.
  const owner = o.rootOwned ? ['--owner=0', '--group=0'] : [];
  const tar = execa('tar', ['--numeric-owner', ...owner, '-C', dir, '-cf', '-', '.'], { stdout: 'pipe', stderr: 'pipe', buffer: { stdout: false } });
  const progress = await docker.importImage(tar.stdout, {
    repo,
    tag: hash,
    changes: [`LABEL ${LABEL_IMAGE}=1`, `LABEL ${LABEL_IMAGE_HASH}=${hash}`],
  });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  await tar;
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}
