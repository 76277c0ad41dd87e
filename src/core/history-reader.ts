/**
 * Reads `history.jsonl` back and pairs invocations with completions.
 *
 * A run that crashed may leave a partial last line: that line is dropped (and reported as
 * `truncated`). Anything else malformed is an error naming the file and line, since a
 * corrupt history must never be judged silently.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { OP_TYPES, type CompletedOp, type Op, type OpType, type ProcessId } from './op.js';

export interface ReadHistory {
  ops: Op[];
  /** True when the last line was cut short and dropped. */
  truncated: boolean;
}

export function readHistoryFile(path: string): ReadHistory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read history ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (is this a run directory?)`);
  }
  return parseHistory(text, path);
}

export function parseHistory(text: string, source = 'history'): ReadHistory {
  const lines = text.split('\n');
  // A file that ends with "\n" has an empty last element; a crashed writer leaves a
  // non-empty last element without its newline.
  const endsClean = lines[lines.length - 1] === '';
  if (endsClean) lines.pop();
  const ops: Op[] = [];
  let truncated = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    const isLast = i === lines.length - 1;
    if (line.trim() === '') {
      if (isLast && !endsClean) { truncated = true; continue; }
      throw new UsageError(`${source}:${lineNo}: empty line in history`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (isLast && !endsClean) {
        truncated = true;
        continue;
      }
      throw new UsageError(`${source}:${lineNo}: not valid JSON: ${line.slice(0, 60)}`);
    }
    ops.push(validateOp(parsed, `${source}:${lineNo}`, ops.length));
  }
  return { ops, truncated };
}

function validateOp(x: unknown, where: string, expectedIndex: number): Op {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new UsageError(`${where}: expected an op object`);
  const o = x as Record<string, unknown>;
  if (!OP_TYPES.includes(o.type as OpType)) throw new UsageError(`${where}: "type" must be one of ${OP_TYPES.join('|')}, got ${JSON.stringify(o.type)}`);
  if (!(typeof o.process === 'number' && Number.isInteger(o.process)) && o.process !== 'nemesis') {
    throw new UsageError(`${where}: "process" must be an integer or "nemesis", got ${JSON.stringify(o.process)}`);
  }
  if (typeof o.f !== 'string') throw new UsageError(`${where}: "f" must be a string`);
  if (typeof o.time !== 'number' || !Number.isFinite(o.time)) throw new UsageError(`${where}: "time" must be a number (ns since start)`);
  if (o.index !== undefined && o.index !== expectedIndex) throw new UsageError(`${where}: "index" is ${JSON.stringify(o.index)}, expected ${expectedIndex}`);
  const op: Op = { index: expectedIndex, type: o.type as OpType, process: o.process as ProcessId, f: o.f, value: o.value ?? null, time: o.time };
  if (typeof o.node === 'string') op.node = o.node;
  if (typeof o.error === 'string') op.error = o.error;
  return op;
}

/**
 * Pairs every invocation with the next completion of the same process. An invocation
 * with no completion (the run was cut short) becomes `info` with no `complete`.
 * Throws on a completion without an open invocation, or a second invocation while one is
 * open: both mean the history is corrupt.
 */
export function pairOps(ops: readonly Op[], source = 'history'): CompletedOp[] {
  const open = new Map<ProcessId, number>(); // process -> slot in out
  const out: CompletedOp[] = [];
  for (const op of ops) {
    if (op.type === 'invoke') {
      if (open.has(op.process)) throw new UsageError(`${source}: op ${op.index}: process ${op.process} invoked again before its previous op completed`);
      open.set(op.process, out.length);
      const pending: CompletedOp = { process: op.process, f: op.f, value: op.value, result: undefined, type: 'info', invoke: op };
      if (op.node !== undefined) pending.node = op.node;
      out.push(pending);
    } else {
      const slot = open.get(op.process);
      if (slot === undefined) throw new UsageError(`${source}: op ${op.index}: ${op.type} for process ${op.process} without an invocation`);
      open.delete(op.process);
      const c = out[slot]!;
      c.type = op.type;
      c.result = op.value;
      c.complete = op;
      if (op.error !== undefined) c.error = op.error;
    }
  }
  return out;
}
