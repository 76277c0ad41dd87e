/**
 * Jepsen histories in EDN, in every shape they are published in:
 *
 *  - one op map per line, `{:process 0, :type :invoke, :f :read, :value nil}`, or the
 *    whole history as one vector or list over many lines (Knossos' data files), maps
 *    spread over several lines, `;` comments and `#_` discards anywhere;
 *  - tagged records (`#jepsen.history.Op{…}`) and other tagged literals (their value);
 *  - nemesis ops under `:process :nemesis`, also a lone `:info` with no invocation;
 *  - completions without `:process` (hand-written histories): no session order for them
 *    (collector.ts);
 *  - no `:f` when the value is a vector of micro-ops: then it is a `:txn`;
 *  - micro-ops `[:r k]` without the read's value (invocations), as `[:r k nil]`;
 *  - keys and values that are keywords, strings or numbers (integers exact).
 *
 * Keywords become strings, vectors arrays (so jepsen.independent's `[key value]` tuples
 * suit the keyed models), `:time` (ns) is kept when present (else the op's position),
 * `:error` is kept as text. One reader serves every model: registers, cas, kv, the
 * transactional ones.
 */
import { toJson } from '../../core/exact-json.js';
import { newOp, type OpType, type ProcessId } from '../../core/op.js';
import type { OpCollector } from './collector.js';
import { malformed, readEdnForms } from './lines.js';

const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** A vector of micro-ops `[f k v?]` (f a keyword or string): a transaction's value. */
function isMicroOps(v: unknown): v is unknown[][] {
  return Array.isArray(v) && v.length > 0 && v.every((m) => Array.isArray(m) && (m.length === 2 || m.length === 3) && typeof m[0] === 'string');
}

/** `[:r k]` (an invocation's read, value not yet known) is `[:r k nil]`. */
function fullMicroOps(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  for (let i = 0; i < v.length; i++) {
    const m: unknown = v[i];
    if (Array.isArray(m) && m.length === 2 && m[0] === 'r') m.push(null);
  }
  return v;
}

const isInteger = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** An op map, read as plain data (keywords as their names, records without their tag). */
function toOp(form: unknown, line: number, file: string, into: OpCollector): void {
  if (typeof form !== 'object' || form === null || Array.isArray(form)) throw malformed(file, line, 'expected an op map {:process …, :type …, :f …, :value …}');
  const m = form as Record<string, unknown>;
  const type = m.type;
  if (typeof type !== 'string' || !TYPES.has(type)) throw malformed(file, line, 'expected :type to be :invoke, :ok, :fail or :info');
  const p = m.process;
  let process: ProcessId | undefined;
  if (p === undefined) process = undefined;
  else if (isInteger(p)) process = p;
  else if (p === 'nemesis') process = 'nemesis';
  else throw malformed(file, line, 'expected :process to be an integer or :nemesis');
  let value: unknown = m.value ?? null;
  let f = m.f;
  if (typeof f !== 'string') {
    if (f !== undefined || !isMicroOps(value)) throw malformed(file, line, 'expected :f to be a keyword or string (or no :f and a :value of micro-ops, a transaction)');
    f = 'txn';
  }
  if (f === 'txn') value = fullMicroOps(value);
  const t = m.time;
  let time: number;
  if (typeof t === 'number' && Number.isFinite(t)) time = t;
  else if (typeof t === 'bigint') time = Number(t);
  else if (t === undefined || t === null) time = into.count;
  else throw malformed(file, line, 'expected :time to be a number (nanoseconds)');
  const e = m.error;
  const error = e === undefined || e === null ? undefined : typeof e === 'string' ? e : toJson(e);
  const node = typeof m.node === 'string' ? m.node : undefined;
  const op = newOp(0, type as OpType, process ?? 0, f as string, value, time, node, error);
  if (process === undefined) into.addStandalone(op, line);
  else into.add(op, line);
}

export function readJepsenEdn(chunks: Iterable<string>, file: string, into: OpCollector): { truncated?: boolean } {
  readEdnForms(chunks, file, { unwrapTopLevel: true }, (form, line) => toOp(form, line, file, into));
  return {};
}
