/**
 * Everything the report reads from a run directory. test.json and results.json are read
 * loosely (see results-doc.ts); a run that was never checked still gets a report.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function readTestDoc(dir: string): TestDoc {
  const t = readJson(runFiles.test(dir));
  const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
  const doc: TestDoc = { options: typeof o.options === 'object' && o.options !== null ? (o.options as Record<string, unknown>) : {} };
  if (typeof o.runId === 'string') doc.runId = o.runId;
  if (typeof o.startedAt === 'string') doc.startedAt = o.startedAt;
  if (typeof o.endedAt === 'string') doc.endedAt = o.endedAt;
  if (typeof o.replay === 'string') doc.replay = o.replay;
  if (typeof o.interrupted === 'boolean') doc.interrupted = o.interrupted;
  return doc;
}

export function readResults(dir: string): unknown {
  return readJson(runFiles.results(dir));
}

function nodeLogs(dir: string): NodeLog[] {
  const nd = runFiles.nodes(dir);
  if (!existsSync(nd)) return [];
  return readdirSync(nd)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .slice(0, 16)
    .map((f) => {
      let text = readFileSync(join(nd, f), 'utf8');
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
  const { ops, truncated } = readHistoryFile(runFiles.history(dir));
  return { dir, test: readTestDoc(dir), ops, truncated, results: readResults(dir), nodeLogs: nodeLogs(dir) };
}
