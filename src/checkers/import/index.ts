/**
 * Histories recorded by other tools, by format name: what `faultline check --format`
 * accepts. Every importer streams a file (never reading it whole) into faultline ops;
 * anything malformed is a UsageError naming the file, the line and what was expected.
 */
import { UsageError } from '../../core/errors.js';
import type { Op } from '../../core/op.js';
import { fileChunks } from '../../core/text-source.js';
import { OpCollector } from './collector.js';
import { readJepsenEdn } from './jepsen-edn.js';
import { readJsonl } from './jsonl.js';
import { readPorcupineEtcd } from './porcupine-etcd.js';
import { readPorcupineKv } from './porcupine-kv.js';

export interface Imported {
  ops: Op[];
  /** True when the last line was cut short (a crashed writer) and dropped. */
  truncated: boolean;
}

export interface Format {
  name: string;
  /** Reads the chunks of `file` into `into`, op by op. */
  read(chunks: Iterable<string>, file: string, into: OpCollector): { truncated?: boolean };
  /** The model the format implies, if any (Porcupine's files each have one). */
  model?: string;
  /** File name endings that select this format when --format is not given. */
  extensions: string[];
}

/** A Map, not an object: a name such as "toString" must not find Object's prototype. */
export const formats: ReadonlyMap<string, Format> = new Map<string, Format>([
  ['jsonl', { name: 'jsonl', read: readJsonl, extensions: ['.jsonl'] }],
  ['jepsen-edn', { name: 'jepsen-edn', read: readJepsenEdn, extensions: ['.edn'] }],
  ['porcupine-etcd', { name: 'porcupine-etcd', read: readPorcupineEtcd, model: 'cas-register', extensions: [] }],
  ['porcupine-kv', { name: 'porcupine-kv', read: readPorcupineKv, model: 'kv', extensions: [] }],
]);

const formatNames = (): string => [...formats.keys()].join(', ');

export function formatByName(name: string): Format {
  const f = formats.get(name);
  if (!f) throw new UsageError(`unknown --format "${name}"; formats: ${formatNames()}`);
  return f;
}

/** The format a file name implies, or a UsageError asking for --format. */
export function formatForFile(file: string): Format {
  const f = [...formats.values()].find((x) => x.extensions.some((e) => file.endsWith(e)));
  if (!f) throw new UsageError(`cannot tell the format of ${file}; pass --format ${[...formats.keys()].join('|')}`);
  return f;
}

/** Reads `chunks` (of `file`) in the given format into checked, numbered ops. */
export function importHistory(chunks: Iterable<string>, file: string, format: Format): Imported {
  const into = new OpCollector(file);
  const { truncated = false } = format.read(chunks, file, into);
  if (into.count === 0) throw new UsageError(`${file}: no ops found (is it a ${format.name} history?)`);
  return { ops: into.finish(), truncated };
}

/** Streams a history file in the given format (a FIFO or device is refused). */
export function importHistoryFile(file: string, format: Format): Imported {
  return importHistory(fileChunks(file), file, format);
}
