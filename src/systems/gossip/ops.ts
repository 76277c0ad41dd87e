/**
 * The replicated operations of the gossip store. Every write becomes one op with a dot
 * (origin node, per-origin sequence number): replicas exchange ops, never final values, so
 * merging is "apply each dot once" and every data type below is a CRDT over the op set.
 */

/** Origin node → highest sequence number applied from it (a contiguous prefix in careful). */
export type VersionVector = Record<string, number>;

/** Wall-clock milliseconds plus a logical counter; naive leaves the counter at 0. */
export type Timestamp = [number, number];

export type OpKind = 'set-add' | 'set-remove' | 'counter-add' | 'register-write';

export interface GossipOp {
  origin: string;
  seq: number;
  /** careful: the origin's version vector when it created the op (causal dependencies). */
  deps?: VersionVector;
  ts: Timestamp;
  kind: OpKind;
  key: string;
  /** set-add / set-remove: the element (a JSON string or number). */
  element?: string | number;
  /** set-remove: the add dots the remover had observed (observed-remove semantics). */
  removes?: string[];
  /** counter-add: the signed amount (a G-counter key refuses negatives). */
  delta?: number;
  /** register-write: the value. */
  value?: unknown;
}

export const dotOf = (op: Pick<GossipOp, 'origin' | 'seq'>): string => `${op.origin}:${op.seq}`;

/** True when `a` has seen everything `b` has (pointwise ≥). */
export function dominates(a: VersionVector, b: VersionVector): boolean {
  for (const [n, s] of Object.entries(b)) if ((a[n] ?? 0) < s) return false;
  return true;
}

/** Orders LWW writes: timestamp, then origin as the deterministic tie-break. */
export function compareStamp(a: { ts: Timestamp; origin: string }, b: { ts: Timestamp; origin: string }): number {
  if (a.ts[0] !== b.ts[0]) return a.ts[0] - b.ts[0];
  if (a.ts[1] !== b.ts[1]) return a.ts[1] - b.ts[1];
  return a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0;
}

/** Structural check of an op received from a peer or read back from disk. */
export function isGossipOp(x: unknown): x is GossipOp {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o['origin'] === 'string' &&
    typeof o['seq'] === 'number' &&
    typeof o['key'] === 'string' &&
    typeof o['kind'] === 'string' &&
    Array.isArray(o['ts'])
  );
}
