/**
 * Operations as they appear in `history.jsonl` (DESIGN.md "Op"). One JSON object per line.
 *
 * `invoke` starts an operation; exactly one `ok` (it happened), `fail` (it definitely did
 * not happen) or `info` (it may or may not have happened) of the same process completes it.
 */
import { detach } from './text-source.js';

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** A client process is an integer; faults are recorded under the process "nemesis". */
export type ProcessId = number | 'nemesis';

/** A worker thread: client threads are 0..concurrency-1; the nemesis has its own thread. */
export type Thread = number | 'nemesis';

export interface Op {
  /** Position in the history, 0-based, dense. */
  index: number;
  type: OpType;
  process: ProcessId;
  /** Function name: read, write, cas, start-partition, kill, ... */
  f: string;
  value: unknown;
  /** Nanoseconds since the test began (monotonic clock). */
  time: number;
  /** The node a client op was sent to. */
  node?: string;
  /** Why an op failed or is indeterminate. */
  error?: string;
}

export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];

/**
 * An invocation paired with its completion. `type` is the completion's type; an
 * invocation that never completed (the run was cut short) is treated as `info` with
 * `complete` undefined.
 */
export interface CompletedOp {
  process: ProcessId;
  f: string;
  /** The invocation's value (the input). */
  value: unknown;
  /** The completion's value (the output); undefined when the op never completed. */
  result: unknown;
  type: 'ok' | 'fail' | 'info';
  invoke: Op;
  complete?: Op;
  node?: string;
  error?: string;
}

export function isClientProcess(p: ProcessId): p is number {
  return typeof p === 'number';
}

const names = new Map<string, string>();
/**
 * One shared copy of an op's name (its type, f or node): read from a file, each op would
 * otherwise hold its own copy of "invoke" and "read", a third of a small op's memory.
 * Bounded: past 10,000 distinct names, a name is returned as it is.
 */
export function sharedName(s: string): string {
  const known = names.get(s);
  if (known !== undefined) return known;
  if (names.size >= 10_000) return s;
  const own = detach(s);
  names.set(own, own);
  return own;
}

/**
 * An op built with its optional fields in the literal: V8 then keeps them inside the
 * object, where adding one afterwards costs a separate property array (40 B an op, a
 * quarter more memory for a 1M-op history read from a file).
 */
export function newOp(index: number, type: OpType, process: ProcessId, f: string, value: unknown, time: number, node?: string, error?: string): Op {
  if (node === undefined) return error === undefined ? { index, type, process, f, value, time } : { index, type, process, f, value, time, error };
  return error === undefined ? { index, type, process, f, value, time, node } : { index, type, process, f, value, time, node, error };
}
