/**
 * Histories are read as a stream of text, never whole: a 1M-line file must not need the
 * memory of its full text (and one over 512 MB cannot be a single string at all).
 *
 * A source is an iterable of string chunks. `fileChunks` reads a regular file in 1 MiB
 * reads, decoding UTF-8 across chunk borders; it refuses FIFOs, devices and directories
 * (a FIFO would block the open and `/dev/zero` never ends), and opens without blocking
 * so a file swapped for a FIFO between the check and the open is still refused.
 * `lines` splits a source into lines of bounded length, so an endless line is an error
 * naming the file and line instead of unbounded memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { UsageError } from './errors.js';

/**
 * Small enough that a chunk's string (≤ 64 KiB even when two bytes a character) is an
 * ordinary young object that dies young: V8 puts strings over 128 KiB in its large-object
 * space, freed only by a full collection, which let 1 MiB chunks of a 100 MB file pile up
 * as garbage (peak RSS 320 MB for 1M lines, against 230 MB with these).
 */
const CHUNK_BYTES = 32 * 1024;
/** No line of a history (one op) is this long; a longer one is not a history. */
const MAX_LINE_CHARS = 16 * 2 ** 20;

/** What a problem message calls a file that is not a regular file. */
function kindOf(st: { isFIFO(): boolean; isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(path: string, kind: string): UsageError {
  return new UsageError(`${path} is ${kind}, not a regular file: save the history to a file and check that`);
}

interface FileChunksOptions {
  /** What the file should be, for messages ("history"). */
  what?: string;
  /** Appended to "cannot read" messages, e.g. "(is this a run directory?)". */
  hint?: string;
  chunkBytes?: number;
}

/** The chunks of a regular file. Errors opening or reading it are UsageErrors naming it. */
export function* fileChunks(path: string, o: FileChunksOptions = {}): Generator<string> {
  const what = o.what ?? 'history';
  const chunkBytes = o.chunkBytes ?? CHUNK_BYTES;
  const cannot = (code: string): UsageError => new UsageError(`cannot read ${what} ${path}: ${code}${o.hint === undefined ? '' : ` ${o.hint}`}`);
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw cannot((e as NodeJS.ErrnoException).code ?? String(e));
  }
  if (!st.isFile()) throw notRegular(path, kindOf(st));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw cannot((e as NodeJS.ErrnoException).code ?? String(e));
  }
  try {
    const again = fstatSync(fd);
    if (!again.isFile()) throw notRegular(path, kindOf(again));
    const buf = Buffer.allocUnsafe(chunkBytes);
    const decoder = new StringDecoder('utf8');
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, chunkBytes, null);
      } catch (e) {
        throw cannot((e as NodeJS.ErrnoException).code ?? String(e));
      }
      if (n === 0) break;
      const s = decoder.write(buf.subarray(0, n));
      if (s.length > 0) yield s;
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** A string as a source (tests, and callers that already hold the text). */
export function* stringChunks(text: string, chunkChars = CHUNK_BYTES): Generator<string> {
  for (let i = 0; i < text.length; i += chunkChars) yield text.slice(i, i + chunkChars);
}

export interface Line {
  /** Without its line break (and without a trailing `\r`). */
  text: string;
  /** 1-based. */
  no: number;
  /** False only for a last line that had no line break (a writer cut short). */
  terminated: boolean;
}

/**
 * A copy of `s` that does not keep alive the chunk it was sliced from (V8 makes slices of
 * 13+ characters views of their parent): for strings an op keeps, else one short value
 * per op would pin every chunk of the file.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** The lines of a source, each at most `maxChars` long (else a UsageError naming `source`). */
export function* lines(chunks: Iterable<string>, source: string, maxChars = MAX_LINE_CHARS): Generator<Line> {
  let carry = '';
  let no = 0;
  const tooLong = (): UsageError => new UsageError(`${source}:${no + 1}: line longer than ${maxChars} characters (expected one op per line: is this a history file?)`);
  for (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      let text = carry.length > 0 ? carry + chunk.slice(start, nl) : chunk.slice(start, nl);
      carry = '';
      if (text.length > maxChars) throw tooLong();
      if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
      yield { text, no: ++no, terminated: true };
      start = nl + 1;
    }
    if (start < chunk.length) {
      if (carry.length + chunk.length - start > maxChars) throw tooLong();
      carry += chunk.slice(start);
    }
  }
  if (carry.length > 0) yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, no: ++no, terminated: false };
}
