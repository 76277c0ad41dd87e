/**
 * Reads `history.jsonl` back and pairs invocations with completions.
 *
 * The file is streamed line by line (never read whole), and integers stay exact
 * (exact-json.ts): a history of a million ops reads in bounded memory besides the ops.
 * A run that crashed may leave a partial last line: that line is dropped (and reported as
 * `truncated`). Anything else malformed is an error naming the file and line, since a
 * corrupt history must never be judged silently.
 */
import { UsageError } from './errors.js';
import { JsonError, parseJson } from './exact-json.js';
import { isClientProcess, newOp, OP_TYPES, sharedName, type CompletedOp, type Op, type OpType, type ProcessId } from './op.js';
import { fileChunks, lines, stringChunks, type Line } from './text-source.js';

interface ReadHistory {
  ops: Op[];
  /** True when the last line was cut short and dropped. */
  truncated: boolean;
}

export function readHistoryFile(path: string): ReadHistory {
  return readHistoryLines(lines(fileChunks(path, { hint: '(is this a run directory?)' }), path), path);
}

export function parseHistory(text: string, source = 'history'): ReadHistory {
  return readHistoryLines(lines(stringChunks(text), source), source);
}

/**
 * History lines to ops; `onOp` (if given) sees each op with its line instead of the ops
 * being collected (the importers stream them on).
 */
export function readHistoryLines(input: Iterable<Line>, source: string, onOp?: (op: Op, line: number) => void): ReadHistory {
  const ops: Op[] = [];
  let count = 0;
  let truncated = false;
  for (const line of input) {
    // A crashed writer leaves a last line without its newline: dropped if it does not parse.
    const partial = !line.terminated;
    if (line.text.trim() === '') {
      if (partial) {
        truncated = true;
        continue;
      }
      throw new UsageError(`${source}:${line.no}: empty line in history`);
    }
    let parsed: unknown;
    try {
      parsed = parseJson(line.text);
    } catch (e) {
      if (partial) {
        truncated = true;
        continue;
      }
      const why = e instanceof JsonError ? ` (${e.message})` : '';
      throw new UsageError(`${source}:${line.no}: not valid JSON${why}: ${JSON.stringify(line.text.slice(0, 60))}`);
    }
    const op = validateOp(parsed, `${source}:${line.no}`, count++);
    if (onOp) onOp(op, line.no);
    else ops.push(op);
  }
  return { ops, truncated };
}

const isInteger = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

function validateOp(x: unknown, where: string, expectedIndex: number): Op {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new UsageError(`${where}: expected an op object`);
  const o = x as Record<string, unknown>;
  if (!OP_TYPES.includes(o.type as OpType)) throw new UsageError(`${where}: "type" must be one of ${OP_TYPES.join('|')}, got ${showField(o.type)}`);
  if (!isInteger(o.process) && o.process !== 'nemesis') {
    throw new UsageError(`${where}: "process" must be an integer or "nemesis", got ${showField(o.process)}`);
  }
  if (typeof o.f !== 'string') throw new UsageError(`${where}: "f" must be a string`);
  // A time beyond 2^53 ns (104 days) is read exactly as a bigint; as a clock, a number will do.
  const time = typeof o.time === 'bigint' ? Number(o.time) : o.time;
  if (typeof time !== 'number' || !Number.isFinite(time)) throw new UsageError(`${where}: "time" must be a number (ns since start)`);
  if (o.index !== undefined && o.index !== expectedIndex) throw new UsageError(`${where}: "index" is ${showField(o.index)}, expected ${expectedIndex}`);
  const node = typeof o.node === 'string' ? sharedName(o.node) : undefined;
  const error = typeof o.error === 'string' ? o.error : undefined;
  return newOp(expectedIndex, sharedName(o.type as OpType) as OpType, o.process as ProcessId, sharedName(o.f), o.value ?? null, time, node, error);
}

/** A field's value in a message: short, one line, bigints as digits. */
function showField(v: unknown): string {
  const s = typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Pairs every invocation with the next completion of the same process, in invocation
 * order: the one pairing every checker, the report and the tests use. An invocation with
 * no completion (the run was cut short) becomes `info` with no `complete`; a nemesis
 * completion with no invocation is an event whose invocation is itself.
 * Throws (naming `source` and the op) on what means the history is corrupt: ops out of
 * index order, a completion without an open invocation, a second invocation while one is
 * open, or a completion of another f than the one invoked.
 */
export function pairOps(ops: readonly Op[], source = 'history'): CompletedOp[] {
  const open = new Map<ProcessId, number>(); // process -> slot in out
  const out: CompletedOp[] = [];
  let lastIndex = -Infinity;
  for (const op of ops) {
    // Real-time order (and the linearizability search) follow the index.
    if (!(op.index > lastIndex)) throw new UsageError(`${source}: op ${op.index}: out of order (it follows op ${lastIndex})`);
    lastIndex = op.index;
    const slot = open.get(op.process);
    if (op.type === 'invoke') {
      if (slot !== undefined) {
        throw new UsageError(`${source}: op ${op.index}: process ${op.process} invoked again while its op ${out[slot]!.invoke.index} is still pending`);
      }
      open.set(op.process, out.length);
      const pending: CompletedOp = { process: op.process, f: op.f, value: op.value, result: undefined, type: 'info', invoke: op };
      if (op.node !== undefined) pending.node = op.node;
      out.push(pending);
      continue;
    }
    if (slot === undefined && op.process === 'nemesis') {
      // Jepsen's nemesis often logs a fault as a lone :info: an event without a span.
      const event: CompletedOp = { process: op.process, f: op.f, value: op.value, result: op.value, type: op.type, invoke: op, complete: op };
      if (op.error !== undefined) event.error = op.error;
      out.push(event);
      continue;
    }
    if (slot === undefined) throw new UsageError(`${source}: op ${op.index}: ${op.type} for process ${op.process} without an invocation`);
    const c = out[slot]!;
    if (c.f !== op.f) throw new UsageError(`${source}: op ${op.index}: ${op.type} ${op.f} of process ${op.process} completes its ${c.f} (op ${c.invoke.index})`);
    open.delete(op.process);
    c.type = op.type;
    c.result = op.value;
    c.complete = op;
    if (op.error !== undefined) c.error = op.error;
  }
  return out;
}

/** The client ops of a history, paired (`pairOps` without the nemesis). */
export function clientPairs(ops: readonly Op[], source = 'history'): CompletedOp[] {
  return pairOps(ops, source).filter((c) => isClientProcess(c.process));
}
