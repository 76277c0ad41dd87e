/**
 * The sequential specification a linearizability search checks a history against
 * (DESIGN.md "Model"). Models are pure and stateless objects: all state lives in `S`.
 */
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
  describeOp(op: CompletedOp): string;
  describeState(state: S): string;
}

/** The single partition key used for models without `partition`. */
export const WHOLE_HISTORY = '(all)';

export const ok = <S>(state: S): Step<S> => ({ ok: true, state });
export const rejected: Step<never> = { ok: false };

/** Compact rendering of op values for descriptions: `null` stays `null`, strings quoted. */
export function show(v: unknown): string {
  if (v === undefined) return '?';
  return JSON.stringify(v) ?? String(v);
}

/** "read 3", "write 4", "cas [1,2]", "read ?" (unknown output). */
export function describeBasic(op: CompletedOp, readOnly: (f: string) => boolean): string {
  const known = op.type === 'ok';
  if (readOnly(op.f)) return `${op.f} ${known ? show(op.result) : '?'}`;
  return `${op.f} ${show(op.value)}${known ? '' : ' (indeterminate)'}`;
}

/** Equality of JSON-like op values: primitives by identity, arrays/objects by content. */
export function valueEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Models throw this for an op they do not know: a harness/model mismatch, not a verdict. */
export function unknownOp(model: string, f: string): Error {
  return new Error(`${model} model: unknown op f=${JSON.stringify(f)}`);
}
