/**
 * Model states interned to small integers, with every step memoised.
 *
 * The search visits the same few states over and over (a register holds one of a handful
 * of values; a kv cell is one of the strings the history can build). Interning each
 * distinct state once makes a configuration key two integers, its equality an integer
 * compare, and the memo's memory independent of how large a state is. Stepping through
 * the cache calls the model once per distinct (state, op) pair, not once per visit.
 */
import type { Model } from './model.js';

/** The result of a step that the model rejects. */
export const REJECTED = -1;
/**
 * The step cache is only a cache: past this many entries it starts over, well below the
 * 2^24 entries a JavaScript Map can hold.
 */
const MAX_CACHED_STEPS = 4_000_000;
/** Interned states past this are more than a Map can index: the search gives up first. */
export const MAX_STATES = 8_000_000;

/** Rough cost of one cached step in a Map. */
const STEP_BYTES = 48;

export class StateTable<S> {
  /** Interned states by id. */
  readonly states: S[] = [];
  /** Rough bytes held, for the memory budget. */
  bytes = 0;
  private readonly byHash = new Map<string | number, number | number[]>();
  /** (state id, op) -> next state id or REJECTED; the key is stateId * opCount + op. */
  private readonly steps = new Map<number, number>();

  constructor(
    private readonly model: Model<S>,
    private readonly fs: readonly string[],
    private readonly inputs: readonly unknown[],
    private readonly outputs: readonly unknown[],
  ) {}

  /** The id of `state`, interning it on first sight. */
  intern(state: S): number {
    const h = this.model.hash(state);
    const found = this.byHash.get(h);
    if (typeof found === 'number') {
      if (this.model.equal(this.states[found]!, state)) return found;
    } else if (found !== undefined) {
      for (const id of found) if (this.model.equal(this.states[id]!, state)) return id;
    }
    const id = this.states.length;
    this.states.push(state);
    this.bytes += 64 + (typeof h === 'string' ? h.length * 2 : 0) + (typeof state === 'string' ? state.length : 0);
    if (found === undefined) this.byHash.set(h, id);
    else if (typeof found === 'number') this.byHash.set(h, [found, id]);
    else found.push(id);
    return id;
  }

  /** The state after op `op` from state `from`, or REJECTED. */
  step(from: number, op: number): number {
    const key = from * this.fs.length + op;
    const cached = this.steps.get(key);
    if (cached !== undefined) return cached;
    const r = this.model.step(this.states[from]!, this.fs[op]!, this.inputs[op], this.outputs[op]);
    const to = r.ok ? this.intern(r.state) : REJECTED;
    if (this.steps.size >= MAX_CACHED_STEPS) {
      this.steps.clear();
      this.bytes -= MAX_CACHED_STEPS * STEP_BYTES;
    }
    this.steps.set(key, to);
    this.bytes += STEP_BYTES;
    return to;
  }
}
