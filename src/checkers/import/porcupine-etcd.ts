/**
 * Jepsen etcd logs from Porcupine's test data (see ../shared/data/porcupine/README.md):
 * `INFO  jepsen.util - 2	:ok	:cas	[3 0]`, one event per line, line order the only clock.
 * A single compare-and-set register (model `cas-register`): read (value nil; ok value =
 * what was read), write v, cas [from to]. A completion value such as `:timed-out` becomes
 * `error: "timed-out"` with value null.
 */
import type { Op, OpType } from '../../core/op.js';
import { malformed, nonBlankLines, type Imported } from './lines.js';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(\w+)\s+:(read|write|cas)\s+(.+?)\s*$/;
const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/** `nil`, an integer, or `[a b]` of those. Undefined when it is none of them. */
function value(s: string): unknown {
  if (s === 'nil') return null;
  if (/^-?\d+$/.test(s)) return Number(s);
  const pair = /^\[(\S+)\s+(\S+)\]$/.exec(s);
  if (pair) {
    const a = value(pair[1]!);
    const b = value(pair[2]!);
    if (a !== undefined && b !== undefined && !Array.isArray(a) && !Array.isArray(b)) return [a, b];
  }
  return undefined;
}

export function importPorcupineEtcd(text: string, file: string): Imported {
  const ops: Op[] = [];
  const lines: number[] = [];
  for (const { line, no } of nonBlankLines(text)) {
    const m = LINE.exec(line.trimEnd());
    if (!m) throw malformed(file, no, 'not a jepsen.util op line (INFO jepsen.util - <process> :<type> :<f> <value>)', line);
    const [, proc, type, f, raw] = m as unknown as [string, string, string, string, string];
    if (!TYPES.has(type)) throw malformed(file, no, `unknown op type :${type}`, line);
    const op: Op = { index: ops.length, type: type as OpType, process: Number(proc), f, value: null, time: ops.length };
    if (raw.startsWith(':')) {
      if (op.type === 'invoke' || op.type === 'ok') throw malformed(file, no, `an ${op.type} cannot carry ${raw}`, line);
      op.error = raw.slice(1);
    } else {
      const v = value(raw);
      if (v === undefined) throw malformed(file, no, `cannot parse value ${raw}`, line);
      op.value = v;
    }
    ops.push(op);
    lines.push(no);
  }
  return { ops, lines };
}
