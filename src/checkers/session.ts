/**
 * Session guarantees (Terry et al., 1994) over add-only sets: each client process is a
 * session (after an `info` the worker goes on as a new process, so a new session), sticky
 * to a node or roaming between nodes. Adds carry unique elements, reads return the set, so
 * "a read reflects a write" is "the element is in the read" and every guarantee is a
 * containment between two ops of the same key:
 *
 *  - read-your-writes: a read contains every element its session added (acknowledged)
 *    before it began.
 *  - monotonic reads: a read contains every element an earlier read of its session showed.
 *  - monotonic writes: any read (by anyone) that shows a session's write also shows that
 *    session's earlier writes.
 *  - writes-follow-reads: any read that shows a session's write also shows what that
 *    session had read before making it.
 * Each violation names the two ops involved (and, for the last two, the read that saw the
 * later write without the earlier one).
 */
import type { CompletedOp, Op } from '../core/op.js';
import type { Checker, CheckResult } from './checker.js';
import { clientOps, opRef } from './convergence-history.js';
import { addedElement, readElements } from './set.js';

const GUARANTEES = ['read-your-writes', 'monotonic-reads', 'monotonic-writes', 'writes-follow-reads'] as const;
export type Guarantee = (typeof GUARANTEES)[number];

export interface SessionViolation {
  guarantee: Guarantee;
  key: string;
  element: string | number;
  message: string;
  /** The two ops of the session whose order is broken (earlier first). */
  ops: [Record<string, unknown>, Record<string, unknown>];
  /** monotonic-writes / writes-follow-reads: the read that exposed it. */
  read?: Record<string, unknown>;
}

const keyOfOp = (op: CompletedOp): string => {
  const v = op.value;
  return typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string' ? (v as { key: string }).key : '';
};
const ek = (e: string | number): string => JSON.stringify(e);

interface Write {
  op: CompletedOp;
  element: string;
  session: number;
  /** Position among the session's acknowledged writes of this key. */
  pos: number;
  /** Everything the session had read (this key) before the write began. */
  readBefore: ReadonlySet<string>;
  readBeforeFrom: Map<string, CompletedOp>;
}

interface Read {
  op: CompletedOp;
  elements: Set<string>;
}

/** All violations in the history, in a stable order, at most `limit` per guarantee. */
export function sessionViolations(history: readonly Op[], limit = 1000): SessionViolation[] {
  return findViolations(history, limit).violations;
}

/** The violations kept (≤ `limit` per guarantee) and how many of each there were in all. */
function findViolations(history: readonly Op[], limit: number): { violations: SessionViolation[]; counts: Map<Guarantee, number> } {
  const ops = clientOps(history);
  const byKey = new Map<string, CompletedOp[]>();
  for (const op of ops) {
    if (op.type !== 'ok' || (op.f !== 'add' && op.f !== 'read')) continue;
    const k = keyOfOp(op);
    let l = byKey.get(k);
    if (!l) byKey.set(k, (l = []));
    l.push(op);
  }
  const out: SessionViolation[] = [];
  const counts = new Map<Guarantee, number>();
  const report = (v: SessionViolation): void => {
    const n = counts.get(v.guarantee) ?? 0;
    counts.set(v.guarantee, n + 1);
    if (n < limit) out.push(v);
  };
  for (const [key, kops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : 1))) checkKey(key, kops, report);
  return { violations: out, counts };
}

function checkKey(key: string, ops: readonly CompletedOp[], report: (v: SessionViolation) => void): void {
  const writes = new Map<string, Write>();
  const sessionWrites = new Map<number, Write[]>();
  const reads: Read[] = [];
  const sessions = new Map<number, CompletedOp[]>();
  for (const op of ops) {
    let l = sessions.get(op.process as number);
    if (!l) sessions.set(op.process as number, (l = []));
    l.push(op);
  }
  for (const [session, sops] of sessions) {
    sops.sort((a, b) => a.invoke.time - b.invoke.time);
    const mine: Write[] = [];
    sessionWrites.set(session, mine);
    // What this session has read so far, and which read first showed each element.
    let seen = new Set<string>();
    let seenFrom = new Map<string, CompletedOp>();
    for (const op of sops) {
      if (op.f === 'add') {
        const e = addedElement(op);
        if (e === undefined) continue;
        const w: Write = { op, element: ek(e), session, pos: mine.length, readBefore: seen, readBeforeFrom: seenFrom };
        mine.push(w);
        writes.set(w.element, w);
        continue;
      }
      const els = new Set((readElements(op) ?? []).map(ek));
      reads.push({ op, elements: els });
      for (const w of mine) {
        if (!els.has(w.element)) {
          report({
            guarantee: 'read-your-writes',
            key,
            element: JSON.parse(w.element) as string | number,
            message: `read (index ${op.invoke.index}${at(op)}) lacks ${w.element}, which its session added earlier (index ${w.op.invoke.index}${at(w.op)})`,
            ops: [opRef(w.op), opRef(op)],
          });
          break;
        }
      }
      for (const e of seen) {
        if (!els.has(e)) {
          const prev = seenFrom.get(e)!;
          report({
            guarantee: 'monotonic-reads',
            key,
            element: JSON.parse(e) as string | number,
            message: `read (index ${op.invoke.index}${at(op)}) lacks ${e}, which an earlier read of its session showed (index ${prev.invoke.index}${at(prev)})`,
            ops: [opRef(prev), opRef(op)],
          });
          break;
        }
      }
      // Copy on growth: writes keep the snapshot they were made after.
      let grown = false;
      for (const e of els) {
        if (!seen.has(e)) {
          if (!grown) {
            seen = new Set(seen);
            seenFrom = new Map(seenFrom);
            grown = true;
          }
          seen.add(e);
          seenFrom.set(e, op);
        }
      }
    }
  }

  for (const r of reads) {
    // Per writing session, only its latest write in the read matters: its predecessors and
    // its read-before snapshot include those of every earlier write.
    const latest = new Map<number, Write>();
    for (const e of r.elements) {
      const w = writes.get(e);
      if (w && (latest.get(w.session)?.pos ?? -1) < w.pos) latest.set(w.session, w);
    }
    for (const w of latest.values()) {
      const mine = sessionWrites.get(w.session)!;
      for (let i = 0; i < w.pos; i++) {
        const earlier = mine[i]!;
        if (!r.elements.has(earlier.element)) {
          report({
            guarantee: 'monotonic-writes',
            key,
            element: JSON.parse(earlier.element) as string | number,
            message: `read (index ${r.op.invoke.index}${at(r.op)}) shows ${w.element} (index ${w.op.invoke.index}) but not ${earlier.element}, added before it by the same session (index ${earlier.op.invoke.index})`,
            ops: [opRef(earlier.op), opRef(w.op)],
            read: opRef(r.op),
          });
          break;
        }
      }
      for (const e of w.readBefore) {
        if (!r.elements.has(e)) {
          const from = w.readBeforeFrom.get(e)!;
          report({
            guarantee: 'writes-follow-reads',
            key,
            element: JSON.parse(e) as string | number,
            message: `read (index ${r.op.invoke.index}${at(r.op)}) shows ${w.element} (index ${w.op.invoke.index}) but not ${e}, which that session had read (index ${from.invoke.index}) before adding it`,
            ops: [opRef(from), opRef(w.op)],
            read: opRef(r.op),
          });
          break;
        }
      }
    }
  }
}

function at(op: CompletedOp): string {
  const v = op.value as { node?: string } | null;
  const node = (v && typeof v === 'object' && v.node) || op.node;
  return node ? ` on ${node}` : '';
}

function checkSessions(history: readonly Op[], guarantees: readonly Guarantee[] = GUARANTEES): CheckResult {
  const { violations: all, counts } = findViolations(history, 50);
  const result: CheckResult = { valid: true };
  const messages: string[] = [];
  for (const g of guarantees) {
    const vs = all.filter((v) => v.guarantee === g);
    const count = counts.get(g) ?? 0;
    result[g] = { valid: count === 0, count, violations: vs };
    if (count > 0) {
      result.valid = false;
      messages.push(`${g}: ${count} violation(s), e.g. ${vs[0]!.message}`);
    }
  }
  result['messages'] = messages;
  return result;
}

export function sessionChecker(guarantees: readonly Guarantee[] = GUARANTEES): Checker {
  return { name: 'session', check: async (history) => checkSessions(history, guarantees) };
}
