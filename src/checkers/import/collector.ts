/**
 * Where importers put the ops they read, in file order, as they read them (nothing waits
 * for the whole file). It numbers the ops, checks as they come that every client
 * invocation is completed by the same process before it invokes again and that each
 * completion matches an open invocation (naming the lines when not: such a history cannot
 * be judged), and handles completions that carry no process (hand-written or filtered
 * Jepsen histories): each gets a process of its own (so no session order ties it to any
 * other op) and an invocation at the start of the history (so it constrains no op before
 * it in real time either; it still precedes whatever was invoked after it completed).
 */
import type { Op } from '../../core/op.js';
import { malformed } from './lines.js';

/** Processes below this are tracked in arrays. */
const SMALL = 1 << 20;

export class OpCollector {
  private readonly ops: Op[] = [];
  /**
   * Open invocations by process: the invocation's position in `ops` and its line. Arrays
   * for the usual small process numbers (faster than a Map, a million times over), a Map
   * for the rest.
   */
  private readonly openAt: (number | undefined)[] = [];
  private readonly openLine: number[] = [];
  private readonly openOther = new Map<number, { at: number; line: number }>();

  private pending(p: number): { at: number; line: number } | undefined {
    if (p >= 0 && p < SMALL) {
      const at = this.openAt[p];
      return at === undefined ? undefined : { at, line: this.openLine[p]! };
    }
    return this.openOther.get(p);
  }

  private setPending(p: number, at: number | undefined, line: number): void {
    if (p >= 0 && p < SMALL) {
      this.openAt[p] = at;
      this.openLine[p] = line;
    } else if (at === undefined) this.openOther.delete(p);
    else this.openOther.set(p, { at, line });
  }
  /** Positions in `ops` of completions without a process. */
  private readonly standalone: number[] = [];
  private maxProcess = -1;

  constructor(private readonly file: string) {}

  get count(): number {
    return this.ops.length;
  }

  /** An op with a process; `op.index` is set here. */
  add(op: Op, line: number): void {
    const p = op.process;
    if (typeof p === 'number') {
      if (p > this.maxProcess) this.maxProcess = p;
      const open = this.pending(p);
      const pending = open === undefined ? undefined : this.ops[open.at]!;
      if (op.type === 'invoke') {
        if (pending) throw malformed(this.file, line, `process ${p} invokes ${op.f} while its ${pending.f} from line ${open!.line} has not completed`);
        this.setPending(p, this.ops.length, line);
      } else {
        if (!pending) throw malformed(this.file, line, `${op.type} ${op.f} of process ${p} completes nothing (no open invocation)`);
        if (pending.f !== op.f) throw malformed(this.file, line, `${op.type} ${op.f} of process ${p} completes its ${pending.f} from line ${open!.line}`);
        this.setPending(p, undefined, line);
      }
    }
    op.index = this.ops.length;
    this.ops.push(op);
  }

  /** A completion that names no process; its `process` is assigned by `finish`. */
  addStandalone(op: Op, line: number): void {
    if (op.type === 'invoke') throw malformed(this.file, line, 'expected a :process on an :invoke (it pairs the invocation with its completion)');
    this.standalone.push(this.ops.length);
    op.index = this.ops.length;
    this.ops.push(op);
  }

  /** The ops, numbered densely from 0. */
  finish(): Op[] {
    if (this.standalone.length === 0) return this.ops;
    const base = this.maxProcess + 1;
    const invocations = this.standalone.map((at, j): Op => {
      const done = this.ops[at]!;
      done.process = base + j;
      return { index: 0, type: 'invoke', process: done.process, f: done.f, value: invocationValue(done), time: 0 };
    });
    const all = invocations.concat(this.ops);
    for (let i = 0; i < all.length; i++) all[i]!.index = i;
    return all;
  }
}

/** What the invocation of a completed op carried: a transaction's reads not yet filled in. */
function invocationValue(op: Op): unknown {
  if (op.f !== 'txn' || !Array.isArray(op.value)) return op.value;
  return op.value.map((m: unknown) => (Array.isArray(m) && m[0] === 'r' ? ['r', m[1], null] : m));
}
