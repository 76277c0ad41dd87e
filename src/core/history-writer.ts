/**
 * Streams a history to `history.jsonl`, one op per line. Every append is written with a
 * synchronous write to the file descriptor before `append` returns, so when the runner
 * schedules a worker's next op, that worker's previous completion is already in the file
 * (it survives a crash of the harness; the OS page cache holds it even if we die).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { toJson } from './exact-json.js';
import type { Op } from './op.js';

export class HistoryWriter {
  private fd: number | undefined;
  private nextIndex = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Number of ops appended so far. */
  get count(): number {
    return this.nextIndex;
  }

  /** Assigns the op its index, writes it, and returns the stored op. */
  append(op: Omit<Op, 'index'>): Op {
    if (this.fd === undefined) throw new Error(`history ${this.path} is closed`);
    const stored: Op = { index: this.nextIndex++, ...op };
    writeSync(this.fd, toJson(stored) + '\n');
    return stored;
  }

  /** Flushes to stable storage and closes; safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
