/**
 * Faultline's own `history.jsonl` (DESIGN.md "Op"), e.g. copied out of a run directory
 * or written by another harness in the same shape, read as `faultline check <run-dir>`
 * reads it: streamed, exact integers, a partial last line (a crashed writer) dropped.
 */
import { readHistoryLines } from '../../core/history-reader.js';
import { lines } from '../../core/text-source.js';
import type { OpCollector } from './collector.js';

export function readJsonl(chunks: Iterable<string>, file: string, into: OpCollector): { truncated: boolean } {
  const { truncated } = readHistoryLines(lines(chunks, file), file, (op, line) => into.add(op, line));
  return { truncated };
}
