import { readFileSync } from 'node:fs';

/** The last `n` non-empty lines of a log file, joined with " | " for a one-line error. */
export function readTail(path: string, n: number): string {
  try {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-n).join(' | ') || '(empty log)';
  } catch {
    return '(no log)';
  }
}
