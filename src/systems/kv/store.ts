/**
 * The careful variant's state: an in-memory map made durable by an append-only log.
 *
 * Every mutation is appended as one JSON line and fsynced *before* it is applied to the map
 * and before anyone is told "ok", so an acknowledged write survives kill -9. Everything is
 * synchronous on purpose: one operation runs from check to fsync to map update without the
 * event loop interleaving another, which is what makes the primary's execution serial.
 *
 * Replay (durable-log.ts) tolerates a torn final line (a kill -9 or power cut in the middle
 * of a write): that write was never acknowledged, so dropping it is correct. A bad line
 * anywhere else means the log is corrupt, and the node refuses to start rather than serve
 * wrong data.
 */
import { DurableLog } from '../durable-log.js';
import type { KvOp, KvValue } from './ops.js';

export const LOG_FILE = 'kv.log';

interface LogEntry {
  k: string;
  v: KvValue;
}

type ExecResult = { kind: 'read'; value: KvValue } | { kind: 'written' } | { kind: 'cas-mismatch' };

interface OpenedStore {
  store: Store;
  /** Log entries applied during replay. */
  replayed: number;
  /** Bytes of a torn last line that were cut off (0 when the log ended cleanly). */
  truncatedBytes: number;
}

export class Store {
  private readonly map = new Map<string, KvValue>();

  private constructor(private readonly log: DurableLog<LogEntry>) {}

  /** Open (creating if needed) the log in `dataDir` and replay it into a fresh map. */
  static open(dataDir: string): OpenedStore {
    const { log, records, truncatedBytes } = DurableLog.open(dataDir, LOG_FILE, parseEntry);
    const store = new Store(log);
    for (const e of records) store.map.set(e.k, e.v);
    return { store, replayed: records.length, truncatedBytes };
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
    this.log.close();
  }

  /** Append + fsync, then apply: the map never shows a value the disk might not have. */
  private persist(key: string, value: KvValue): void {
    this.log.append({ k: key, v: value });
    this.map.set(key, value);
  }
}

function parseEntry(v: unknown): LogEntry | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const k = r['k'];
  const val = r['v'];
  if (typeof k !== 'string') return undefined;
  if (val !== null && !(typeof val === 'number' && Number.isSafeInteger(val))) return undefined;
  return { k, v: val };
}
