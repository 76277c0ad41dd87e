/**
 * Porcupine's kv histories (see ../shared/data/porcupine/README.md), one flat EDN map per
 * line: `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`, for the
 * `kv` model: the value becomes the tuple `[key, value]`. Line order is the only clock.
 */
import type { Op, OpType } from '../../core/op.js';
import { EdnError, Keyword, readEdn, type Edn } from './edn.js';
import { malformed, nonBlankLines, type Imported } from './lines.js';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

const keyword = (v: Edn | undefined): string | undefined => (v instanceof Keyword ? v.name : undefined);

export function importPorcupineKv(text: string, file: string): Imported {
  const ops: Op[] = [];
  const lines: number[] = [];
  for (const { line, no } of nonBlankLines(text)) {
    let m: Edn;
    try {
      m = readEdn(line);
    } catch (e) {
      if (e instanceof EdnError) throw malformed(file, no, `not an EDN map (${e.message})`, line);
      throw e;
    }
    if (!(m instanceof Map)) throw malformed(file, no, 'not an EDN map', line);
    const process = m.get(':process');
    const type = keyword(m.get(':type'));
    const f = keyword(m.get(':f'));
    const key = m.get(':key');
    const value = m.get(':value');
    if (typeof process !== 'number' || !Number.isInteger(process)) throw malformed(file, no, ':process must be an integer', line);
    if (type === undefined || !TYPES.has(type)) throw malformed(file, no, ':type must be :invoke, :ok, :fail or :info', line);
    if (f === undefined) throw malformed(file, no, ':f must be a keyword', line);
    if (typeof key !== 'string') throw malformed(file, no, ':key must be a string', line);
    if (value !== null && value !== undefined && typeof value !== 'string') throw malformed(file, no, ':value must be a string or nil', line);
    ops.push({ index: ops.length, type: type as OpType, process, f, value: [key, value ?? null], time: ops.length });
    lines.push(no);
  }
  return { ops, lines };
}
