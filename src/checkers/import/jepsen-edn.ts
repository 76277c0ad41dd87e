/**
 * Jepsen histories as EDN op maps, one per line:
 * `{:process 0, :type :invoke, :f :read, :value nil}`. Keywords become strings, vectors
 * arrays (so jepsen.independent's `[key value]` tuples suit the keyed models), `:time`
 * (ns) is kept when present, `:error` is kept as text. The nemesis's ops are kept under
 * process "nemesis"; checkers ignore them.
 */
import type { Op, OpType, ProcessId } from '../../core/op.js';
import { EdnError, Keyword, readEdn, toPlain, type Edn } from './edn.js';
import { malformed, nonBlankLines, type Imported } from './lines.js';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

const name = (v: Edn | undefined): string | undefined => (v instanceof Keyword ? v.name : typeof v === 'string' ? v : undefined);

export function importJepsenEdn(text: string, file: string): Imported {
  const ops: Op[] = [];
  const lines: number[] = [];
  for (const { line, no } of nonBlankLines(text)) {
    const t = line.trim();
    // A whole history printed as one vector spreads its brackets over the first and last lines.
    if (t === '[' || t === ']') continue;
    let edn: Edn;
    try {
      edn = readEdn(t.replace(/^\[(?=\s*\{)/, '').replace(/(\})\s*\]$/, '$1'));
    } catch (e) {
      if (e instanceof EdnError) throw malformed(file, no, `not an EDN value (${e.message})`, line);
      throw e;
    }
    if (!(edn instanceof Map)) throw malformed(file, no, 'expected an op map {:process .., :type .., :f .., :value ..}', line);
    const process = edn.get(':process');
    let proc: ProcessId;
    if (typeof process === 'number' && Number.isInteger(process)) proc = process;
    else if (name(process) === 'nemesis') proc = 'nemesis';
    else throw malformed(file, no, ':process must be an integer or :nemesis', line);
    const type = name(edn.get(':type'));
    if (type === undefined || !TYPES.has(type)) throw malformed(file, no, ':type must be :invoke, :ok, :fail or :info', line);
    const f = name(edn.get(':f'));
    if (f === undefined) throw malformed(file, no, ':f must be a keyword or string', line);
    const time = edn.get(':time');
    const op: Op = {
      index: ops.length,
      type: type as OpType,
      process: proc,
      f,
      value: toPlain(edn.get(':value') ?? null),
      time: typeof time === 'number' ? time : ops.length,
    };
    const error = edn.get(':error');
    if (error !== undefined && error !== null) op.error = typeof toPlain(error) === 'string' ? (toPlain(error) as string) : JSON.stringify(toPlain(error));
    ops.push(op);
    lines.push(no);
  }
  return { ops, lines };
}
