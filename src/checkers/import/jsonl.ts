/**
 * Faultline's own `history.jsonl` (DESIGN.md "Op"), e.g. copied out of a run directory
 * or written by another harness in the same shape. A partial last line (a crashed
 * writer) is dropped, as `faultline check <run-dir>` does.
 */
import { parseHistory } from '../../core/history-reader.js';
import type { Imported } from './lines.js';

export function importJsonl(text: string, file: string): Imported & { truncated: boolean } {
  const { ops, truncated } = parseHistory(text, file);
  // parseHistory reads every line and refuses blank ones, so op i is on line i + 1.
  return { ops, lines: ops.map((_, i) => i + 1), truncated };
}
