/**
 * Parsers for the Porcupine test data (/work/shared/data/porcupine, see its README):
 * Jepsen etcd logs and kv EDN histories, into faultline `Op[]`. Line order is the only
 * clock in both, so an op's `time` is its index.
 */
import type { Op, OpType } from '../../core/op.js';

const OP_TYPES = new Set<string>(['invoke', 'ok', 'fail', 'info']);

function malformed(source: string, lineNo: number, line: string, why: string): Error {
  return new Error(`${source}:${lineNo}: ${why}: ${JSON.stringify(line)}`);
}

function opType(s: string, fail: () => Error): OpType {
  if (!OP_TYPES.has(s)) throw fail();
  return s as OpType;
}

// ---- Jepsen etcd log ---------------------------------------------------------------------

/** `INFO  jepsen.util - 2	:ok	:cas	[3 0]` (tabs or aligned spaces). */
const ETCD_LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(\w+)\s+:(read|write|cas)\s+(.+?)\s*$/;

/** `nil`, an integer, or `[a b]` of those. Returns undefined when it is none of them. */
function etcdValue(s: string): unknown {
  if (s === 'nil') return null;
  if (/^-?\d+$/.test(s)) return Number(s);
  const pair = /^\[(\S+)\s+(\S+)\]$/.exec(s);
  if (pair) {
    const a = etcdValue(pair[1]!);
    const b = etcdValue(pair[2]!);
    if (a !== undefined && b !== undefined && !Array.isArray(a) && !Array.isArray(b)) return [a, b];
  }
  return undefined;
}

/**
 * A single compare-and-set register (model `cas-register`): read (value nil, ok value =
 * what was read), write v, cas [from to]. A completion value `:timed-out` becomes
 * `error: "timed-out"` with value null.
 */
export function parseEtcdLog(text: string, source = 'etcd log'): Op[] {
  const ops: Op[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line === '') return;
    const fail = (why: string): Error => malformed(source, i + 1, line, why);
    const m = ETCD_LINE.exec(line);
    if (!m) throw fail('not a jepsen.util op line');
    const [, proc, type, f, rawValue] = m as unknown as [string, string, string, string, string];
    const op: Op = { index: ops.length, type: opType(type, () => fail(`unknown op type :${type}`)), process: Number(proc), f, value: null, time: ops.length };
    if (rawValue.startsWith(':')) {
      if (op.type === 'invoke' || op.type === 'ok') throw fail(`an ${op.type} cannot carry ${rawValue}`);
      op.error = rawValue.slice(1);
    } else {
      const v = etcdValue(rawValue);
      if (v === undefined) throw fail(`cannot parse value ${rawValue}`);
      op.value = v;
    }
    ops.push(op);
  });
  return ops;
}

// ---- kv EDN ------------------------------------------------------------------------------

/** One `:key value` pair of a flat EDN map; values are nil, integers, keywords or strings. */
const EDN_ENTRY = /\s*:([\w-]+)\s+(nil|-?\d+|:[\w-]+|"(?:[^"\\]|\\.)*")\s*(?:,|$)/y;

function ednMap(body: string): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  EDN_ENTRY.lastIndex = 0;
  while (EDN_ENTRY.lastIndex < body.length) {
    const m = EDN_ENTRY.exec(body);
    if (!m) return undefined;
    const v = m[2]!;
    const value = v === 'nil' ? null : v.startsWith(':') ? { keyword: v.slice(1) } : v.startsWith('"') ? (JSON.parse(v) as string) : Number(v);
    out.set(m[1]!, value);
  }
  return out;
}

function keyword(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null && 'keyword' in v && typeof v.keyword === 'string' ? v.keyword : undefined;
}

/**
 * `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}` per line, for
 * the `kv` model: the value becomes the tuple `[key, value]`.
 */
export function parseKvEdn(text: string, source = 'kv history'): Op[] {
  const ops: Op[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const fail = (why: string): Error => malformed(source, i + 1, line, why);
    if (!line.startsWith('{') || !line.endsWith('}')) throw fail('not an EDN map');
    const m = ednMap(line.slice(1, -1));
    if (!m) throw fail('cannot parse EDN map');
    const process = m.get('process');
    const type = keyword(m.get('type'));
    const f = keyword(m.get('f'));
    const key = m.get('key');
    const value = m.get('value');
    if (typeof process !== 'number') throw fail(':process must be an integer');
    if (type === undefined) throw fail(':type must be a keyword');
    if (f === undefined) throw fail(':f must be a keyword');
    if (typeof key !== 'string') throw fail(':key must be a string');
    if (value !== null && typeof value !== 'string') throw fail(':value must be a string or nil');
    ops.push({ index: ops.length, type: opType(type, () => fail(`unknown op type :${type}`)), process, f, value: [key, value], time: ops.length });
  });
  return ops;
}
