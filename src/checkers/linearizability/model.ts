/**
 * The sequential specification a linearizability search checks a history against
 * (DESIGN.md "Model"). Models are pure and stateless objects: all state lives in `S`.
 */
import { toJson } from '../../core/exact-json.js';
import type { CompletedOp } from '../../core/op.js';

/** The outcome of applying one op to a state: allowed (with the next state) or not. */
export type Step<S> = { ok: true; state: S } | { ok: false };

export interface Model<S = unknown> {
  readonly name: string;
  init(): S;
  /**
   * Applies op `f` with `input` (the invocation's value) to `state`. `output` is the
   * completion's value, or `undefined` when the op's outcome is unknown (`info` or never
   * completed): then any output must be accepted.
   */
  step(state: S, f: string, input: unknown, output: unknown): Step<S>;
  equal(a: S, b: S): boolean;
  /** Equal states must hash alike; a string hash that identifies the state is fine too. */
  hash(state: S): string | number;
  /**
   * Splits a history into independent sub-histories (e.g. one per key), each checked
   * alone; order within each must be preserved. Absent: the history is one partition.
   */
  partition?(ops: readonly CompletedOp[]): Map<string, CompletedOp[]>;
  /**
   * True when op `f` never changes the state (a read): an indeterminate one tells nothing
   * and is dropped before the search.
   */
  readOnly?(f: string): boolean;
  /**
   * True when op `f` sets the state whatever it was (a write, a put): it always succeeds
   * and what came just before it is overwritten unseen. The search never places an op
   * of unknown outcome right before such an op; leaving it out does the same.
   */
  blind?(f: string): boolean;
  /**
   * Optional lookahead that lets the search drop dead configurations early, prepared once
   * per partition from its ops (positions as in `ops`); see `Lookahead`.
   */
  reachability?(ops: readonly OpView[]): Lookahead<S>;
  /**
   * Optional, prepared once per partition: true for an op of unknown outcome that no
   * linearization needs, because once it takes effect nothing in the partition can see
   * its effect before something overwrites it (e.g. a write of a value no read returns
   * and no cas expects). The search leaves such ops out, which keeps the verdict and
   * saves trying them at every point after their invocation. Only asked about ops of
   * unknown outcome; false when unsure.
   */
  unobserved?(ops: readonly OpView[]): (op: number) => boolean;
  describeOp(op: CompletedOp): string;
  describeState(state: S): string;
}

/** An op as the model sees it: function, input, and output (undefined when unknown). */
export interface OpView {
  f: string;
  input: unknown;
  output: unknown;
}

/**
 * The search walks the pending ops in time order from a configuration with state S:
 * `start(S)`, then `add(op)` for each op that may change the state before the reads met
 * after it, and `check(read)` for each pending read-only op with a known output. `check`
 * returns false only when no subset of the ops added so far, in any order, can take S to
 * a state where the read succeeds: the configuration is then dead. True when unsure.
 * Methods (not function properties) keep S bivariant, as in Model.
 */
export interface Lookahead<S> {
  start(state: S): void;
  add(op: number): void;
  check(read: number): boolean;
}

/** The single partition key used for models without `partition`. */
export const WHOLE_HISTORY = '(all)';

export const ok = <S>(state: S): Step<S> => ({ ok: true, state });
export const rejected: Step<never> = { ok: false };

/** Compact rendering of op values for descriptions: `null` stays `null`, strings quoted. */
export function show(v: unknown): string {
  if (v === undefined) return '?';
  return toJson(v) ?? String(v);
}

/** "read 3", "write 4", "cas [1,2]", "read ?" (unknown output). */
export function describeBasic(op: CompletedOp, readOnly: (f: string) => boolean): string {
  const known = op.type === 'ok';
  if (readOnly(op.f)) return `${op.f} ${known ? show(op.result) : '?'}`;
  return `${op.f} ${show(op.value)}${known ? '' : ' (indeterminate)'}`;
}

/**
 * Equality of JSON-like op values: primitives by identity (integers beyond 2^53 are
 * bigints, exact), arrays/objects by content.
 */
export function valueEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return toJson(a) === toJson(b);
}

/** Models throw this for an op they do not know: a harness/model mismatch, not a verdict. */
export function unknownOp(model: string, f: string): Error {
  return new Error(`${model} model: unknown op f=${JSON.stringify(f)}`);
}
