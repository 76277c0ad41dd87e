/**
 * Run records: what each run created, and which process owns it. A run writes
 * `<state dir>/runs/<run id>.json` (see core/state-dir.ts) before it creates anything and
 * adds every namespace, link, temp dir, subnet claim and Docker object to it *before*
 * creating that thing, so nothing of a run ever exists unrecorded. `faultline clean`
 * removes only what a record lists, and only once the record's owner is provably dead:
 * its pid is gone, or the pid now belongs to a process with another start time (pid
 * reuse), or the record comes from an earlier boot. A process we may not inspect counts
 * as alive. This keeps clean away from namespaces that merely look like ours and from
 * live runs in other terminals or CI jobs.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readStateFile, stateSubdir, writeStateFile } from '../core/state-dir.js';

/** The process that owns a run: pid, its start time (clock ticks since boot) and the boot. */
export interface Owner {
  pid: number;
  start: string;
  boot: string;
}

export type Resource =
  | { kind: 'netns'; name: string }
  | { kind: 'link'; name: string }
  | { kind: 'dir'; path: string }
  | { kind: 'subnet'; path: string }
  | { kind: 'container' | 'network' | 'volume'; name: string };

interface RunRecord {
  runId: string;
  owner: Owner;
  /** Set by the run loop (markRunLive); a cluster used on its own drops the record at teardown. */
  marked: boolean;
  resources: Resource[];
}

let bootCache: string | undefined;
export function bootId(): string {
  if (bootCache === undefined) {
    try {
      bootCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootCache = 'unknown';
    }
  }
  return bootCache;
}

/** Field 22 of /proc/<pid>/stat (start time), or undefined when the process is not visible. */
export function startTimeOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19];
}

function selfOwner(): Owner {
  return { pid: process.pid, start: startTimeOf(process.pid) ?? '', boot: bootId() };
}

/** Owner as a Docker label value: `<boot id>/<pid>/<start time>`. */
export function ownerLabel(o: Owner = selfOwner()): string {
  return `${o.boot}/${o.pid}/${o.start}`;
}

export function parseOwnerLabel(s: string | undefined): Owner | undefined {
  const m = /^([^/]+)\/(\d+)\/(\d*)$/.exec(s ?? '');
  return m ? { boot: m[1]!, pid: Number(m[2]), start: m[3]! } : undefined;
}

/**
 * Whether an owner on this boot is alive. Dead means provably dead: no such pid, or a pid
 * whose start time differs (reused). A pid we see through kill(0) but cannot read counts
 * as alive. Call only for owners of this boot (see isOwnerAlive).
 */
function aliveHere(o: Owner): boolean {
  if (!Number.isInteger(o.pid) || o.pid <= 0) return false;
  const start = startTimeOf(o.pid);
  if (start !== undefined) return o.start === '' || start === o.start;
  try {
    process.kill(o.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A record's owner: alive on this boot as above; a record from an earlier boot is dead. */
export function isOwnerAlive(o: Owner): boolean {
  return o.boot === bootId() && aliveHere(o);
}

/** Whether an owner label names a process on this machine's current boot. */
export function isThisBoot(o: Owner): boolean {
  return o.boot === bootId();
}

export { aliveHere as isProcessAlive };

const RUN_ID = /^[0-9a-f]{6}$/;
/** Records this process owns, kept here so adding a resource needs no re-read. */
const mine = new Map<string, RunRecord>();

function recordPath(dir: string, runId: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`bad run id ${runId}`);
  return join(dir, `${runId}.json`);
}

function save(rec: RunRecord): void {
  const dir = stateSubdir('runs', true)!;
  writeStateFile(recordPath(dir, rec.runId), JSON.stringify(rec) + '\n');
}

function ensure(runId: string): RunRecord {
  let rec = mine.get(runId);
  if (!rec) {
    rec = { runId, owner: selfOwner(), marked: false, resources: [] };
    mine.set(runId, rec);
    save(rec);
  }
  return rec;
}

/** The run loop: this process owns the run until unmarkRun, whatever its clusters do. */
export function markRunLive(runId: string): void {
  const rec = ensure(runId);
  rec.marked = true;
  save(rec);
}

/** Drops this process' record of a run (end of the run, or clean after removing it all). */
export function unmarkRun(runId: string): void {
  mine.delete(runId);
  const dir = stateSubdir('runs', false);
  if (dir) rmSync(recordPath(dir, runId), { force: true });
}

const same = (a: Resource, b: Resource) => JSON.stringify(a) === JSON.stringify(b);

/** Records a resource of a run; call it before creating the resource. */
export function recordResource(runId: string, r: Resource): void {
  const rec = ensure(runId);
  if (rec.resources.some((x) => same(x, r))) return;
  rec.resources.push(r);
  save(rec);
}

/**
 * After teardown removed them: forgets resources; a record left empty that no run loop
 * holds (a cluster used on its own, as tests do) is dropped.
 */
export function forgetResources(runId: string, gone: (r: Resource) => boolean): void {
  const rec = mine.get(runId);
  if (!rec) return;
  rec.resources = rec.resources.filter((r) => !gone(r));
  if (rec.resources.length === 0 && !rec.marked) unmarkRun(runId);
  else save(rec);
}

function parseRecord(text: string | undefined, runId: string): RunRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const r = JSON.parse(text) as RunRecord;
    if (r.runId !== runId || typeof r.owner?.pid !== 'number' || !Array.isArray(r.resources)) return undefined;
    return r;
  } catch {
    return undefined;
  }
}

/** The record of a run in this user's state directory, if any. */
export function readRecord(runId: string): RunRecord | undefined {
  const dir = stateSubdir('runs', false);
  if (!dir || !RUN_ID.test(runId)) return undefined;
  return parseRecord(readStateFile(recordPath(dir, runId)), runId);
}

/** Every readable record (none when the state directory does not exist). */
export function listRecords(): RunRecord[] {
  const dir = stateSubdir('runs', false);
  if (!dir) return [];
  return readdirSync(dir)
    .map((f) => /^([0-9a-f]{6})\.json$/.exec(f)?.[1])
    .filter((id): id is string => id !== undefined)
    .map((id) => parseRecord(readStateFile(join(dir, `${id}.json`)), id))
    .filter((r): r is RunRecord => r !== undefined);
}

/** True when a record of the run says its owner is alive (this process included). */
export function isRunLive(runId: string): boolean {
  const rec = readRecord(runId);
  return rec !== undefined && isOwnerAlive(rec.owner);
}
