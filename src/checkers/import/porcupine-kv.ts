/**
 * Porcupine's kv histories (see ../shared/data/porcupine/README.md), one flat EDN map per
 * line: `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`, for the
 * `kv` model: the value becomes the tuple `[key, value]`. Line order is the only clock.
 */
import { newOp, type OpType } from '../../core/op.js';
import type { OpCollector } from './collector.js';
import { malformed, readEdnForms } from './lines.js';

const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

export function readPorcupineKv(chunks: Iterable<string>, file: string, into: OpCollector): { truncated?: boolean } {
  readEdnForms(chunks, file, {}, (form, no) => {
    if (typeof form !== 'object' || form === null || Array.isArray(form)) throw malformed(file, no, 'expected an EDN map {:process …, :type …, :f …, :key …, :value …}');
    const { process, type, f, key, value } = form as Record<string, unknown>;
    if (typeof process !== 'number' || !Number.isInteger(process)) throw malformed(file, no, 'expected :process to be an integer');
    if (typeof type !== 'string' || !TYPES.has(type)) throw malformed(file, no, 'expected :type to be :invoke, :ok, :fail or :info');
    if (typeof f !== 'string') throw malformed(file, no, 'expected :f to be a keyword');
    if (typeof key !== 'string') throw malformed(file, no, 'expected :key to be a string');
    if (value !== null && value !== undefined && typeof value !== 'string') throw malformed(file, no, 'expected :value to be a string or nil');
    into.add(newOp(0, type as OpType, process, f, [key, value ?? null], into.count), no);
  });
  return {};
}
