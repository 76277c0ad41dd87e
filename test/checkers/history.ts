/** Builds hand-made histories for the eventual-consistency checkers' tests. */
import type { Op, OpType, ProcessId } from '../../src/core/op.js';

export class HistoryBuilder {
  readonly ops: Op[] = [];
  /** Nanoseconds; every recorded event advances it by 1 ms so order is explicit. */
  private t = 0;

  private push(type: OpType, process: ProcessId, f: string, value: unknown, node?: string): this {
    this.t += 1_000_000;
    this.ops.push({ index: this.ops.length, type, process, f, value, time: this.t, ...(node ? { node } : {}) });
    return this;
  }

  invoke(process: number, f: string, value: unknown, node = 'n1'): this {
    return this.push('invoke', process, f, value, node);
  }

  complete(process: number, type: Exclude<OpType, 'invoke'>, f: string, value: unknown, node = 'n1'): this {
    return this.push(type, process, f, value, node);
  }

  /** An op that runs alone: invoke then its completion. */
  op(process: number, f: string, value: unknown, type: Exclude<OpType, 'invoke'>, result: unknown = value, node = 'n1'): this {
    return this.invoke(process, f, value, node).complete(process, type, f, result, node);
  }

  /** A fault op pair (the last one marks where the final phase starts). */
  fault(f: string, value: unknown = null): this {
    return this.push('invoke', 'nemesis', f, value).push('info', 'nemesis', f, value);
  }

  /** Advance the clock without an event (e.g. a quiescence period), in seconds. */
  wait(seconds: number): this {
    this.t += Math.round(seconds * 1e9);
    return this;
  }
}

export const h = (): HistoryBuilder => new HistoryBuilder();
