/**
 * The write-ahead log every built-in service keeps: an append-only file of JSON lines,
 * replayed on start (kv's careful store, the gossip replicas, 2PC, sagas).
 *
 * `fsync` (the default): `append` writes and fsyncs before it returns, synchronously, so
 * a caller that answers "ok" after it never acknowledges something a kill -9 can take
 * back. `lazy` (what many services ship by mistake): appends are buffered and written,
 * without fsync, once a second; a kill -9 loses up to that second.
 *
 * Replay drops a torn last line (an append cut short by a crash was never acknowledged)
 * and truncates it away, so the next append starts on a fresh line; a bad line anywhere
 * else means the file is corrupt, and opening fails rather than serving wrong state.
 */
import fs from 'node:fs';
import path from 'node:path';

export class CorruptLogError extends Error {
  override name = 'CorruptLogError';
}

interface OpenedLog<T> {
  log: DurableLog<T>;
  /** Records read back, oldest first. */
  records: T[];
  /** Bytes of a torn last line that were cut off (0 when the log ended cleanly). */
  truncatedBytes: number;
}

interface LogOptions {
  /** `fsync` (default): durable before `append` returns; `lazy`: written once a second, never fsynced. */
  durability?: 'fsync' | 'lazy';
}

const LAZY_FLUSH_MS = 1000;

export class DurableLog<T> {
  private buffer: string[] = [];
  private readonly timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly fd: number,
    private readonly lazy: boolean,
  ) {
    if (lazy) {
      this.timer = setInterval(() => this.flush(), LAZY_FLUSH_MS);
      this.timer.unref();
    }
  }

  /**
   * Opens (creating if needed) `dataDir/name` and returns its records. `parse` validates
   * one decoded line and returns undefined when it is not a valid record.
   */
  static open<T>(dataDir: string, name: string, parse: (x: unknown) => T | undefined, opts: LogOptions = {}): OpenedLog<T> {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, name);
    const existed = fs.existsSync(file);
    const fd = fs.openSync(file, 'a+');
    if (!existed) fsyncDir(dataDir); // the new file's directory entry must survive a crash too
    const data = fs.readFileSync(file);
    const end = data.lastIndexOf(0x0a) + 1; // everything after the last newline is torn
    const truncatedBytes = data.length - end;
    if (truncatedBytes > 0) {
      fs.ftruncateSync(fd, end);
      fs.fsyncSync(fd);
    }
    const records: T[] = [];
    const lines = data.subarray(0, end).toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line === '') continue;
      let decoded: unknown;
      try {
        decoded = JSON.parse(line) as unknown;
      } catch {
        decoded = undefined;
      }
      const rec = decoded === undefined ? undefined : parse(decoded);
      if (rec === undefined) throw new CorruptLogError(`${file}: line ${i + 1} is not a valid record: ${line.slice(0, 100)}`);
      records.push(rec);
    }
    return { log: new DurableLog<T>(fd, opts.durability === 'lazy'), records, truncatedBytes };
  }

  /** Appends records (one write, one fsync); throws if the disk refuses (the caller must stop). */
  append(...records: readonly T[]): void {
    if (records.length === 0) return;
    const text = records.map((r) => JSON.stringify(r) + '\n').join('');
    if (this.lazy) {
      this.buffer.push(text);
      return;
    }
    writeAll(this.fd, text);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    writeAll(this.fd, text);
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A careful node's log: once an append fails, the record may or may not be on disk and the
 * node can vouch for nothing more, so `fatal` stops it and every later append is refused.
 */
export class StoppingLog<T> {
  /** True once storage failed. */
  broken = false;

  constructor(
    private readonly log: DurableLog<T>,
    private readonly fatal: (message: string) => void,
  ) {}

  /** Appends durably; false when storage failed (now, or before). */
  append(record: T): boolean {
    if (this.broken) return false;
    try {
      this.log.append(record);
      return true;
    } catch (e) {
      this.broken = true;
      this.fatal(`storage failure: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }
}
