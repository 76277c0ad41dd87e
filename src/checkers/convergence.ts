/**
 * The `convergence` checker: after the final heal and a quiescence period, every replica
 * must return the same state, within a settle deadline, and that state must include every
 * acknowledged write. The final generator reads every node repeatedly, so for each replica
 * the checker also reports how long after the heal it reached the common state for good.
 *
 * What "state" and "includes the acknowledged writes" mean depends on the data type, so
 * the checker takes a small model (sets and counters are below).
 */
import type { CompletedOp, Op } from '../core/op.js';
import type { Checker, CheckResult, Validity } from './checker.js';
import { clientOps, finalPhaseStart, nodeOf, nodesSeen, nsToS } from './convergence-history.js';
import { finalCounterValues, counterValue } from './counter.js';
import { addedElement, readElements } from './set.js';

interface ConvergenceModel {
  /** The replica state an ok read shows, as a canonical JSON-able value; undefined if not a read. */
  state(op: CompletedOp): unknown;
  /** Acknowledged writes the state does not reflect, in words (empty: it reflects them all). */
  missing(state: unknown, ops: readonly CompletedOp[]): string[];
  /** How `a` differs from `b`, in words, for the report. */
  diff(a: unknown, b: unknown): string;
}

interface ConvergenceOptions {
  /** Replicas must reach the common state within this many seconds of the heal. */
  settleSeconds?: number;
}

export function checkConvergence(history: readonly Op[], model: ConvergenceModel, o: ConvergenceOptions = {}): CheckResult {
  const ops = clientOps(history);
  const heal = finalPhaseStart(history) ?? 0;
  const byNode = new Map<string, Array<{ op: CompletedOp; state: string }>>();
  for (const op of ops) {
    if (op.f !== 'read' || op.type !== 'ok' || op.invoke.time < heal) continue;
    const s = model.state(op);
    const node = nodeOf(op);
    if (s === undefined || node === undefined) continue;
    let l = byNode.get(node);
    if (!l) byNode.set(node, (l = []));
    l.push({ op, state: JSON.stringify(s) });
  }
  for (const l of byNode.values()) l.sort((a, b) => a.op.invoke.time - b.op.invoke.time);
  const withoutReads = nodesSeen(ops).filter((n) => !byNode.has(n));
  const finals = new Map([...byNode].map(([n, l]) => [n, l[l.length - 1]!]));
  // The reference is the most common final state (ties: the larger one, which lost less).
  const counts = new Map<string, number>();
  for (const f of finals.values()) counts.set(f.state, (counts.get(f.state) ?? 0) + 1);
  const reference = [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)[0]?.[0];

  const messages: string[] = [];
  const replicas: Record<string, unknown> = {};
  let diverged = 0;
  let late = 0;
  for (const [node, l] of [...byNode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const last = l[l.length - 1]!;
    // A state only one replica holds, when there are several, is no common state at all.
    const alone = finals.size > 1 && (counts.get(last.state) ?? 0) === 1;
    if (last.state !== reference || alone) {
      diverged++;
      const other = last.state === reference ? [...finals.values()].find((f) => f.state !== reference)!.state : reference!;
      const d = model.diff(JSON.parse(last.state), JSON.parse(other));
      const holders = [...finals].filter(([, f]) => f.state === other).map(([n]) => n);
      messages.push(`${node} did not converge: its last read (index ${last.op.invoke.index}) ${d} (compared with ${holders.join(',')})`);
      replicas[node] = { converged: false, reads: l.length, lastRead: last.op.invoke.index, diff: d };
      continue;
    }
    let i = l.length;
    while (i > 0 && l[i - 1]!.state === reference) i--;
    const seconds = nsToS(l[i]!.op.invoke.time - heal);
    if (o.settleSeconds !== undefined && seconds > o.settleSeconds) {
      late++;
      messages.push(`${node} converged ${seconds} s after the heal, later than the ${o.settleSeconds} s deadline`);
    }
    replicas[node] = { converged: true, reads: l.length, secondsAfterHeal: seconds };
  }
  const missing = reference === undefined ? [] : model.missing(JSON.parse(reference), ops);
  if (missing.length > 0) messages.push(`the converged state lacks acknowledged writes: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`);
  if (withoutReads.length > 0) messages.push(`no read after the heal on ${withoutReads.join(',')}`);
  let valid: Validity = diverged === 0 && late === 0 && missing.length === 0;
  if (valid && (withoutReads.length > 0 || byNode.size === 0)) valid = 'unknown';
  return {
    valid,
    messages,
    healAt: nsToS(heal),
    replicas,
    divergedReplicas: diverged,
    missingCount: missing.length,
    missing: missing.slice(0, 200),
    nodesWithoutReads: withoutReads,
  };
}

export function convergence(model: ConvergenceModel, o: ConvergenceOptions = {}): Checker {
  return { name: 'convergence', check: async (history) => checkConvergence(history, model, o) };
}

/** Sets: the state is the sorted element list; acknowledged adds must all be in it. */
export const setConvergence: ConvergenceModel = {
  state(op) {
    const els = readElements(op);
    return els === undefined ? undefined : els.map((e) => JSON.stringify(e)).sort();
  },
  missing(state, ops) {
    const have = new Set(state as string[]);
    const out: string[] = [];
    for (const op of ops) {
      if (op.f !== 'add' || op.type !== 'ok') continue;
      const e = addedElement(op);
      if (e !== undefined && !have.has(JSON.stringify(e))) out.push(`element ${String(e)}`);
    }
    return out;
  },
  diff(a, b) {
    const sa = new Set(a as string[]);
    const sb = new Set(b as string[]);
    const lacks = [...sb].filter((x) => !sa.has(x)).map((x) => String(JSON.parse(x)));
    const extra = [...sa].filter((x) => !sb.has(x)).map((x) => String(JSON.parse(x)));
    const parts: string[] = [];
    if (lacks.length) parts.push(`lacks ${lacks.length} element(s) others have: ${lacks.slice(0, 6).join(', ')}${lacks.length > 6 ? ', …' : ''}`);
    if (extra.length) parts.push(`has ${extra.length} element(s) others lack: ${extra.slice(0, 6).join(', ')}${extra.length > 6 ? ', …' : ''}`);
    return parts.join('; ') || 'differs';
  },
};

/** Counters: the state is the value; it must be acknowledged sum plus in-doubt adds. */
export const counterConvergence: ConvergenceModel = {
  state: (op) => counterValue(op),
  missing(state, ops) {
    const allowed = finalCounterValues(ops);
    const v = state as number;
    return allowed.allows(v) ? [] : [`value ${v}, but acknowledged adds sum to ${allowed.acked}${allowed.inDoubt.length ? ` (+ any of ${allowed.inDoubt.length} in-doubt)` : ''}`];
  },
  diff: (a, b) => `reads ${String(a)}, not ${String(b)}`,
};
