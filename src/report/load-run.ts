/**
 * Everything the report reads from a run directory. test.json and results.json are read
 * loosely (see results-doc.ts); a run that was never checked still gets a report. Only
 * regular files inside the run directory are read: a symlink to elsewhere (a run directory
 * downloaded as an artifact, a reports tree others can write) counts as absent, so a
 * report never embeds a file from outside its run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirInside, fileInside, realDir } from '../core/confine.js';
import { FaultlineError } from '../core/errors.js';
import { readHistoryFile } from '../core/history-reader.js';
import type { Op } from '../core/op.js';
import { runFiles } from '../core/run-dir.js';

interface TestDoc {
  runId?: string;
  startedAt?: string;
  endedAt?: string;
  replay?: string;
  interrupted?: boolean;
  options: Record<string, unknown>;
}

export interface NodeLog {
  node: string;
  /** The last lines of the node's log. */
  tail: string;
  /** Lines left out before the tail. */
  omittedLines: number;
  /** The whole log (its last MAX_LOG_BYTES), for excerpts around a failure. */
  text: string;
}

export interface RunData {
  dir: string;
  test: TestDoc;
  ops: Op[];
  truncated: boolean;
  results: unknown;
  nodeLogs: NodeLog[];
}

/** Node log tails: enough to see how a node died or restarted, never the whole log. */
const LOG_TAIL_LINES = 40;
const LOG_TAIL_BYTES = 8_000;
/** Node logs can be long; excerpts are searched in the last few MB only. */
const MAX_LOG_BYTES = 4_000_000;

/** The file's JSON; `error` says why there is none when the file is there but unusable. */
function readJson(dir: string, path: string): { value?: unknown; error?: string } {
  const base = realDir(dir);
  const real = base === undefined ? undefined : fileInside(base, path);
  if (real === undefined) return {};
  try {
    return { value: JSON.parse(readFileSync(real, 'utf8')) as unknown };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A string, number or boolean as text; anything else (an object, whose toString may be anything) is left out. */
export function scalarText(x: unknown): string | undefined {
  return typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined;
}

function readTestDoc(dir: string): TestDoc {
  return readTestDocChecked(dir).doc;
}

/** test.json read loosely, with what was wrong with it (unparsable, not an object). */
export function readTestDocChecked(dir: string): { doc: TestDoc; error?: string } {
  const { value: t, error } = readJson(dir, runFiles.test(dir));
  const o = (typeof t === 'object' && t !== null && !Array.isArray(t) ? t : {}) as Record<string, unknown>;
  const doc: TestDoc = { options: typeof o.options === 'object' && o.options !== null && !Array.isArray(o.options) ? (o.options as Record<string, unknown>) : {} };
  if (typeof o.runId === 'string') doc.runId = o.runId;
  if (typeof o.startedAt === 'string') doc.startedAt = o.startedAt;
  if (typeof o.endedAt === 'string') doc.endedAt = o.endedAt;
  if (typeof o.replay === 'string') doc.replay = o.replay;
  if (typeof o.interrupted === 'boolean') doc.interrupted = o.interrupted;
  if (error !== undefined) return { doc, error: `test.json: ${error}` };
  if (t !== undefined && o !== t) return { doc, error: 'test.json: not a JSON object' };
  return { doc };
}

export function readResults(dir: string): unknown {
  return readJson(dir, runFiles.results(dir)).value;
}

function nodeLogs(dir: string): NodeLog[] {
  const base = realDir(dir);
  const nd = base === undefined ? undefined : dirInside(base, runFiles.nodes(dir));
  if (base === undefined || nd === undefined) return [];
  return readdirSync(nd)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => ({ f, real: fileInside(base, join(nd, f)) }))
    .filter((x): x is { f: string; real: string } => x.real !== undefined)
    .slice(0, 16)
    .map(({ f, real }) => {
      let text = readFileSync(real, 'utf8');
      if (text.length > MAX_LOG_BYTES) text = text.slice(text.length - MAX_LOG_BYTES);
      let lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const total = lines.length;
      lines = lines.slice(-LOG_TAIL_LINES);
      let tail = lines.join('\n');
      if (tail.length > LOG_TAIL_BYTES) tail = tail.slice(-LOG_TAIL_BYTES);
      return { node: f.replace(/\.log$/, ''), tail, omittedLines: total - lines.length, text };
    });
}

export function loadRun(dir: string): RunData {
  const base = realDir(dir);
  const history = base === undefined ? undefined : fileInside(base, runFiles.history(dir));
  if (history === undefined) throw new FaultlineError(`${runFiles.history(dir)} is missing or not a regular file inside the run directory`);
  const { ops, truncated } = readHistoryFile(history);
  return { dir, test: readTestDoc(dir), ops, truncated, results: readResults(dir), nodeLogs: nodeLogs(dir) };
}
