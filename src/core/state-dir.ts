/**
 * The one place that says where Faultline keeps state shared between its processes (run
 * records, subnet claims) and that hands it out only when it is safe to use.
 *
 * The shared temp directory is writable by every user, so a predictable name there could
 * be pre-created by someone else (as a symlink into /etc, say) and root's `faultline clean`
 * would then delete and write through it. State therefore lives where only its owner can
 * write:
 *
 *   root (outside any user namespace)   /run/faultline
 *   any other user                      $XDG_RUNTIME_DIR/faultline, else $TMPDIR/faultline-<uid>
 *
 * created with mode 0700, and on every use checked with lstat: a real directory (never a
 * symlink), owned by this process' uid, writable by nobody else. Anything else is refused
 * with one line naming the path and the fix. Files in it are written to a fresh name
 * opened with O_EXCL|O_NOFOLLOW and renamed into place, and read with O_NOFOLLOW.
 *
 * FAULTLINE_STATE_DIR names another directory (tests use a private one); it gets the same
 * checks.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FaultlineError } from './errors.js';

export const STATE_DIR_ENV = 'FAULTLINE_STATE_DIR';

/**
 * The uid this process has outside any user namespace: a normal user's run re-executes
 * itself as "root" in a user namespace of its own (cluster/privileges.ts), where getuid()
 * says 0.
 */
function hostUid(): number {
  try {
    const m = /^\s*0\s+(\d+)\s+1\s*$/m.exec(readFileSync('/proc/self/uid_map', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    /* no /proc: not Linux */
  }
  return process.getuid?.() ?? 0;
}

/** Where this user's state lives (whether or not it exists yet). */
export function stateDirPath(): string {
  const override = process.env[STATE_DIR_ENV];
  if (override) return resolve(override);
  const uid = hostUid();
  if (uid === 0) return '/run/faultline';
  const xdg = process.env.XDG_RUNTIME_DIR;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'faultline');
  return join(tmpdir(), `faultline-${uid}`);
}

/** The uid files we create show up as (inside a user namespace, the mapped one). */
function ownUid(): number {
  return process.getuid?.() ?? 0;
}

/**
 * Throws unless `path` is a real directory (not a symlink) owned by us and not writable by
 * group or others. Returns false when it does not exist.
 */
function checkOwnDir(path: string): boolean {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new FaultlineError(`cannot use the state directory ${path} (${(e as NodeJS.ErrnoException).code}): make it a directory of yours with mode 0700`);
  }
  const fix = `remove it (it is not Faultline's) or make it a directory owned by uid ${ownUid()} with mode 0700`;
  if (st.isSymbolicLink()) throw new FaultlineError(`refusing the state directory ${path}: it is a symlink; ${fix}`);
  if (!st.isDirectory()) throw new FaultlineError(`refusing the state directory ${path}: it is not a directory; ${fix}`);
  if (st.uid !== ownUid()) throw new FaultlineError(`refusing the state directory ${path}: it is owned by uid ${st.uid}, not ${ownUid()}; ${fix}`);
  if ((st.mode & 0o022) !== 0) throw new FaultlineError(`refusing the state directory ${path}: mode ${(st.mode & 0o777).toString(8)} lets others write it; ${fix}`);
  return true;
}

function ensureOwnDir(path: string): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FaultlineError(`cannot create the state directory ${path}: its parent does not exist; create it or set ${STATE_DIR_ENV} to a directory of yours`);
    if (code !== 'EEXIST') throw new FaultlineError(`cannot create the state directory ${path} (${code}): make its parent writable or set ${STATE_DIR_ENV} to a directory of yours`);
  }
  checkOwnDir(path);
}

/** Creates (if missing) and checks this user's state directory; returns its path. */
export function ensureStateDir(): string {
  const root = stateDirPath();
  ensureOwnDir(root);
  return root;
}

/**
 * A checked subdirectory of the state directory (`runs`, `subnets`). With `create`, it and
 * the state directory are made when missing; without, undefined when either is missing.
 */
export function stateSubdir(kind: string, create: boolean): string | undefined {
  const root = stateDirPath();
  const sub = join(root, kind);
  if (create) {
    ensureOwnDir(root);
    ensureOwnDir(sub);
    return sub;
  }
  if (!checkOwnDir(root) || !checkOwnDir(sub)) return undefined;
  return sub;
}

/** Writes a state file atomically, never through a symlink. */
export function writeStateFile(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Reads a regular state file without following a symlink; undefined when absent or not a plain file. */
export function readStateFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 1 << 20) return undefined;
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const k = readSync(fd, buf, n, st.size - n, null);
      if (k === 0) break;
      n += k;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes a directory that holds state of ours (a run's temp dir): only when it is a real
 * directory owned by us; a symlink, or something of another user's, is left alone.
 * rmSync does not follow symlinks inside it. Returns whether it removed anything; throws
 * when it cannot look or cannot remove.
 */
export function removeOwnDir(path: string): boolean {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (!st.isDirectory() || st.uid !== ownUid()) return false;
  rmSync(path, { recursive: true, force: true });
  return true;
}
