/**
 * An append-only JSON-lines log whose appends are durable before they return: the one
 * storage primitive the careful 2PC and saga variants build on.
 *
 * `append` writes one line and fsyncs it, synchronously, so a caller that answers "ok"
 * after `append` returns never acknowledges something a kill -9 can take back. Replay
 * drops a torn last line (an append cut short by a crash was never acknowledged) and
 * truncates it away, so the next append starts on a fresh line; a bad line anywhere else
 * means the file is corrupt and opening fails rather than serving wrong state.
 */
import fs from 'node:fs';
import path from 'node:path';

export class CorruptLogError extends Error {
  override name = 'CorruptLogError';
}

export interface OpenedLog<T> {
  log: DurableLog<T>;
  /** Records read back, oldest first. */
  records: T[];
  /** Bytes of a torn last line that were cut off (0 when the log ended cleanly). */
  truncatedBytes: number;
}

export class DurableLog<T> {
  private constructor(private readonly fd: number) {}

  /**
   * Opens (creating if needed) `dataDir/name` and returns its records. `parse` validates
   * one decoded line and returns undefined when it is not a valid record.
   */
  static open<T>(dataDir: string, name: string, parse: (x: unknown) => T | undefined): OpenedLog<T> {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, name);
    const existed = fs.existsSync(file);
    const fd = fs.openSync(file, 'a+');
    if (!existed) fsyncDir(dataDir); // the new file's directory entry must survive a crash too
    const data = fs.readFileSync(file);
    const end = data.lastIndexOf(0x0a) + 1;
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
    return { log: new DurableLog<T>(fd), records, truncatedBytes };
  }

  /** Appends one record and fsyncs; throws if the disk refuses (the caller must stop). */
  append(record: T): void {
    const buf = Buffer.from(JSON.stringify(record) + '\n');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
