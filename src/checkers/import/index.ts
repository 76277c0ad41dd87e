/**
 * Histories recorded by other tools, by format name: what `faultline check --format`
 * accepts. Every importer reads a whole file into faultline ops; anything malformed is a
 * UsageError naming the file, the line and the problem.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { isClientProcess } from '../../core/op.js';
import { importJepsenEdn } from './jepsen-edn.js';
import { importJsonl } from './jsonl.js';
import { malformed, type Imported } from './lines.js';
import { importPorcupineEtcd } from './porcupine-etcd.js';
import { importPorcupineKv } from './porcupine-kv.js';

export type { Imported } from './lines.js';

export interface Format {
  name: string;
  read(text: string, file: string): Imported & { truncated?: boolean };
  /** The model the format implies, if any (Porcupine's files each have one). */
  model?: string;
  /** File name endings that select this format when --format is not given. */
  extensions: string[];
}

export const formats: Readonly<Record<string, Format>> = {
  jsonl: { name: 'jsonl', read: importJsonl, extensions: ['.jsonl'] },
  'jepsen-edn': { name: 'jepsen-edn', read: importJepsenEdn, extensions: ['.edn'] },
  'porcupine-etcd': { name: 'porcupine-etcd', read: importPorcupineEtcd, model: 'cas-register', extensions: [] },
  'porcupine-kv': { name: 'porcupine-kv', read: importPorcupineKv, model: 'kv', extensions: [] },
};

export function formatByName(name: string): Format {
  const f = formats[name];
  if (!f) throw new UsageError(`unknown --format "${name}"; formats: ${Object.keys(formats).join(', ')}`);
  return f;
}

/** The format a file name implies, or a UsageError asking for --format. */
export function formatForFile(file: string): Format {
  const f = Object.values(formats).find((x) => x.extensions.some((e) => file.endsWith(e)));
  if (!f) throw new UsageError(`cannot tell the format of ${file}; pass --format ${Object.keys(formats).join('|')}`);
  return f;
}

/**
 * Every client invocation must be completed by the same process before it invokes
 * again, and a completion must match an open invocation of the same function; a history
 * that breaks this cannot be judged.
 */
export function validatePairs({ ops, lines }: Imported, file: string): void {
  const open = new Map<number, { f: string; line: number }>();
  ops.forEach((op, i) => {
    if (!isClientProcess(op.process)) return;
    const line = lines[i] ?? i + 1;
    const pending = open.get(op.process);
    if (op.type === 'invoke') {
      if (pending) throw malformed(file, line, `process ${op.process} invokes ${op.f} while its ${pending.f} from line ${pending.line} has not completed`);
      open.set(op.process, { f: op.f, line });
      return;
    }
    if (!pending) throw malformed(file, line, `${op.type} ${op.f} of process ${op.process} completes nothing (no open invocation)`);
    if (pending.f !== op.f) throw malformed(file, line, `${op.type} ${op.f} of process ${op.process} completes its ${pending.f} from line ${pending.line}`);
    open.delete(op.process);
  });
}

/** Reads and validates a history file in the given format. */
export function importHistoryFile(file: string, format: Format): Imported & { truncated: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const imported = format.read(text, file);
  if (imported.ops.length === 0) throw new UsageError(`${file}: no ops found (is it a ${format.name} history?)`);
  validatePairs(imported, file);
  return { ops: imported.ops, lines: imported.lines, truncated: imported.truncated ?? false };
}
