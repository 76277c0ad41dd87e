/**
 * Transactions for the list-append and rw-register checkers (checkers/txn/), the way Elle
 * generates them: each transaction is 1–`maxLength` micro-ops, reads and writes in equal
 * shares, over a small window of active keys so transactions collide. Every written
 * value is unique (the checkers rely on it), and a key retires after `appendsPerKey`
 * writes, replaced by a fresh one, so lists, and the reads that return them, stay short.
 *
 *   list-append  { f: 'txn', value: [['r', 3, null], ['append', 3, 17], ['append', 5, 18]] }
 *   rw-register  { f: 'txn', value: [['r', 3, null], ['w', 3, 17], ['w', 5, 18]] }
 *
 * The generator is an immutable value like every other: its counters live in the
 * generator it returns, never in a variable it changes.
 */
import { Template } from '../core/generator/core.js';
import { withRng } from '../core/generator/context.js';
import type { GenContext, GenStep, Generator } from '../core/generator/types.js';

export interface ListAppendOptions {
  /** Keys in use at once. Default 5. */
  activeKeys?: number;
  /** Micro-ops per transaction, at most. Default 4. */
  maxLength?: number;
  /** Writes (appends) a key takes before it retires. Default 32. */
  appendsPerKey?: number;
  /** The write micro-op: 'append' (list-append, the default) or 'w' (rw-register). */
  write?: 'append' | 'w';
}

interface State {
  /** Active keys and how many appends each has been given. */
  keys: readonly (readonly [key: number, appends: number])[];
  nextKey: number;
  nextValue: number;
}

class ListAppendGen implements Generator {
  constructor(
    private readonly o: Required<ListAppendOptions>,
    private readonly s: State,
  ) {}

  op(ctx: GenContext): GenStep {
    const [extra, r0] = ctx.rng.int(this.o.maxLength);
    let rng = r0;
    const keys = this.s.keys.map(([k, n]) => [k, n] as [number, number]);
    let { nextKey, nextValue } = this.s;
    const mops: unknown[] = [];
    for (let i = 0; i <= extra; i++) {
      const [slot, r1] = rng.int(keys.length);
      const [coin, r2] = r1.int(2);
      rng = r2;
      const entry = keys[slot]!;
      if (coin === 0) {
        mops.push(['r', entry[0], null]);
        continue;
      }
      mops.push([this.o.write, entry[0], nextValue++]);
      if (++entry[1] >= this.o.appendsPerKey) keys[slot] = [nextKey++, 0];
    }
    const step = new Template('txn', mops).op(withRng(ctx, rng));
    if (step === 'pending' || step === null) return step;
    return { op: step.op, gen: new ListAppendGen(this.o, { keys, nextKey, nextValue }), rng: step.rng };
  }

  update(): Generator {
    return this;
  }
}

/** An endless generator of list-append transactions. */
export function listAppendTxns(o: ListAppendOptions = {}): Generator {
  const opts: Required<ListAppendOptions> = { activeKeys: 5, maxLength: 4, appendsPerKey: 32, write: 'append', ...o };
  const keys = Array.from({ length: opts.activeKeys }, (_, i) => [i, 0] as const);
  return new ListAppendGen(opts, { keys, nextKey: opts.activeKeys, nextValue: 1 });
}

/** An endless generator of rw-register transactions (unique writes per key). */
export function rwRegisterTxns(o: Omit<ListAppendOptions, 'write'> = {}): Generator {
  return listAppendTxns({ ...o, write: 'w' });
}
