/** Hand-made histories for checker tests: each op is an invoke plus its completion. */
import type { Op } from '../../src/core/op.js';

export class HistoryBuilder {
  readonly ops: Op[] = [];
  private time = 0;

  /** Appends invoke + completion for `process`; `result` is the completion's value. */
  op(process: number, f: string, value: unknown, type: 'ok' | 'fail' | 'info', result: unknown = value, error?: string): this {
    this.ops.push({ index: this.ops.length, type: 'invoke', process, f, value, time: (this.time += 1000) });
    const done: Op = { index: this.ops.length, type, process, f, value: result, time: (this.time += 1000) };
    if (error !== undefined) done.error = error;
    this.ops.push(done);
    return this;
  }

  /** An invoke with no completion yet (for overlapping ops). */
  invoke(process: number, f: string, value: unknown): this {
    this.ops.push({ index: this.ops.length, type: 'invoke', process, f, value, time: (this.time += 1000) });
    return this;
  }

  complete(process: number, f: string, type: 'ok' | 'fail' | 'info', value: unknown): this {
    this.ops.push({ index: this.ops.length, type, process, f, value, time: (this.time += 1000) });
    return this;
  }
}
