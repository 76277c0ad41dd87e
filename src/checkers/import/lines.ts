/**
 * Shared by the importers: every problem is one line naming the file, the line and what
 * was expected there; EDN formats stream their forms through `readEdnForms`.
 */
import { UsageError } from '../../core/errors.js';
import { EdnError, EdnReader, type EdnReaderOptions } from './edn.js';

/** The offending text, shortened so the message stays one readable line. */
function excerpt(line: string): string {
  const t = line.trim();
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 77)}...` : t);
}

export function malformed(file: string, line: number, problem: string, text?: string): UsageError {
  return new UsageError(`${file}:${line}: ${problem}${text === undefined ? '' : `: ${excerpt(text)}`}`);
}

/**
 * Streams the EDN forms of `file` to `onForm` as plain data, each with the line it starts
 * on; a reading error is one line naming the file, the line and what was expected.
 */
export function readEdnForms(chunks: Iterable<string>, file: string, o: Omit<EdnReaderOptions, 'source' | 'plain'>, onForm: (form: unknown, line: number) => void): void {
  const reader = new EdnReader(onForm, { ...o, source: file, plain: true });
  try {
    for (const chunk of chunks) reader.feed(chunk);
    reader.end();
  } catch (e) {
    if (e instanceof EdnError) throw malformed(file, e.line, e.message);
    throw e;
  }
}
