/**
 * The careful variant's state: an in-memory map made durable by an append-only log.
 *
 * Every mutation is appended as one JSON line and fsynced *before* it is applied to the map
 * and before anyone is told "ok", so an acknowledged write survives kill -9. Everything is
 * synchronous on purpose: one operation runs from check to fsync to map update without the
 * event loop interleaving another, which is what makes the primary's execution serial.
 *
 * Replay tolerates a torn final line (a kill -9 or power cut in the middle of a write):
 * that write was never acknowledged, so dropping it is correct. A bad line anywhere else
 * means the log is corrupt, and the node refuses to start rather than serve wrong data.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { KvOp, KvValue } from './ops.js';

export const LOG_FILE = 'kv.log';

interface LogEntry {
  k: string;
  v: KvValue;
}

export type ExecResult = { kind: 'read'; value: KvValue } | { kind: 'written' } | { kind: 'cas-mismatch' };

export interface OpenedStore {
  store: Store;
  /** Log entries applied during replay. */
  replayed: number;
  /** Bytes of a torn last line that were cut off (0 when the log ended cleanly). */
  truncatedBytes: number;
}

export class CorruptLogError extends Error {
  override name = 'CorruptLogError';
}

export class Store {
  private readonly map = new Map<string, KvValue>();
  private readonly fd: number;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Open (creating if needed) the log in `dataDir` and replay it into a fresh map. */
  static open(dataDir: string): OpenedStore {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, LOG_FILE);
    const existed = fs.existsSync(file);
    const fd = fs.openSync(file, 'a+');
    if (!existed) fsyncDir(dataDir); // make the new file's directory entry durable too
    const store = new Store(fd);
    const { replayed, truncatedBytes } = store.replay(file);
    return { store, replayed, truncatedBytes };
  }

  get(key: string): KvValue {
    return this.map.get(key) ?? null;
  }

  /** Execute one operation to completion (durably, for mutations). */
  execute(op: KvOp): ExecResult {
    switch (op.f) {
      case 'read':
        return { kind: 'read', value: this.get(op.key) };
      case 'write':
        this.persist(op.key, op.value);
        return { kind: 'written' };
      case 'cas':
        // Absent and null are the same value, so cas from null works on a fresh key.
        if (this.get(op.key) !== op.from) return { kind: 'cas-mismatch' };
        this.persist(op.key, op.to);
        return { kind: 'written' };
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** Append + fsync, then apply: the map never shows a value the disk might not have. */
  private persist(key: string, value: KvValue): void {
    const entry: LogEntry = { k: key, v: value };
    const buf = Buffer.from(JSON.stringify(entry) + '\n');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    fs.fsyncSync(this.fd);
    this.map.set(key, value);
  }

  private replay(file: string): { replayed: number; truncatedBytes: number } {
    const data = fs.readFileSync(file);
    const end = data.lastIndexOf(0x0a) + 1; // everything after the last newline is torn
    const truncatedBytes = data.length - end;
    if (truncatedBytes > 0) {
      // Cut the torn tail so the next append starts on a fresh line instead of gluing onto it.
      fs.ftruncateSync(this.fd, end);
      fs.fsyncSync(this.fd);
    }
    let replayed = 0;
    const lines = data.subarray(0, end).toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line === '') continue;
      const entry = parseEntry(line);
      if (entry === undefined) throw new CorruptLogError(`${file}: line ${i + 1} is not a valid entry: ${line.slice(0, 100)}`);
      this.map.set(entry.k, entry.v);
      replayed++;
    }
    return { replayed, truncatedBytes };
  }
}

function parseEntry(line: string): LogEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const k = r['k'];
  const val = r['v'];
  if (typeof k !== 'string') return undefined;
  if (val !== null && !(typeof val === 'number' && Number.isSafeInteger(val))) return undefined;
  return { k, v: val };
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
