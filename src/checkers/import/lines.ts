/**
 * Shared by the importers: histories are read line by line, every op remembers its
 * line, and every problem is one line naming the file, the line and what is wrong.
 */
import { UsageError } from '../../core/errors.js';
import type { Op } from '../../core/op.js';

/** Ops in file order, with the 1-based line each came from. */
export interface Imported {
  ops: Op[];
  lines: number[];
}

/** The offending line, shortened so the message stays one readable line. */
export function excerpt(line: string): string {
  const t = line.trim();
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 77)}...` : t);
}

export function malformed(file: string, line: number, problem: string, text?: string): UsageError {
  return new UsageError(`${file}:${line}: ${problem}${text === undefined ? '' : `: ${excerpt(text)}`}`);
}

/** Non-blank lines with their 1-based numbers. */
export function* nonBlankLines(text: string): Generator<{ line: string; no: number }> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() !== '') yield { line, no: i + 1 };
  }
}
