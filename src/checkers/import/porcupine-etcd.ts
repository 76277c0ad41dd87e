/**
 * Jepsen etcd logs from Porcupine's test data (see ../shared/data/porcupine/README.md):
 * `INFO  jepsen.util - 2	:ok	:cas	[3 0]`, one event per line, line order the only clock.
 * A single compare-and-set register (model `cas-register`): read (value nil; ok value =
 * what was read), write v, cas [from to]. A completion value such as `:timed-out` becomes
 * `error: "timed-out"` with value null.
 */
import { exactInteger } from '../../core/exact-json.js';
import { newOp, sharedName, type Op, type OpType } from '../../core/op.js';
import { lines } from '../../core/text-source.js';
import type { OpCollector } from './collector.js';
import { malformed } from './lines.js';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(\w+)\s+:(read|write|cas)\s+(.+?)\s*$/;
const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** `nil`, an integer, or `[a b]` of those. Undefined when it is none of them. */
function value(s: string): unknown {
  if (s === 'nil') return null;
  if (/^-?\d+$/.test(s)) return exactInteger(s);
  const pair = /^\[(\S+)\s+(\S+)\]$/.exec(s);
  if (pair) {
    const a = value(pair[1]!);
    const b = value(pair[2]!);
    if (a !== undefined && b !== undefined && !Array.isArray(a) && !Array.isArray(b)) return [a, b];
  }
  return undefined;
}

export function readPorcupineEtcd(chunks: Iterable<string>, file: string, into: OpCollector): { truncated?: boolean } {
  for (const { text, no } of lines(chunks, file)) {
    if (text.trim() === '') continue;
    const m = LINE.exec(text.trimEnd());
    if (!m) throw malformed(file, no, 'expected a jepsen.util op line (INFO jepsen.util - <process> :<type> :<f> <value>)', text);
    const [, proc, type, f, raw] = m as unknown as [string, string, string, string, string];
    if (!TYPES.has(type)) throw malformed(file, no, `expected :invoke, :ok, :fail or :info, got :${type}`, text);
    const process = Number(proc);
    if (!Number.isSafeInteger(process)) throw malformed(file, no, 'expected a process number below 2^53', text);
    let op: Op;
    if (raw.startsWith(':')) {
      if (type === 'invoke' || type === 'ok') throw malformed(file, no, `an ${type} cannot carry ${raw}`, text);
      op = newOp(0, sharedName(type) as OpType, process, sharedName(f), null, into.count, undefined, sharedName(raw.slice(1)));
    } else {
      const v = value(raw);
      if (v === undefined) throw malformed(file, no, `cannot parse value ${raw} (expected nil, an integer or [a b])`, text);
      op = newOp(0, sharedName(type) as OpType, process, sharedName(f), v, into.count);
    }
    into.add(op, no);
  }
  return {};
}
