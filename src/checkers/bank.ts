/**
 * Bank checker for the 2PC workload: money is neither created nor destroyed, and every
 * transfer happens on all the participants it touches or on none.
 *
 * - Every ok `read` (the system's claim of a consistent snapshot) sums to the total and
 *   shows no negative balance; a bad read names the transfers that were in flight.
 * - From the `final` reads (each participant's balances, applied and still-prepared
 *   transaction ids, taken after healing and recovery): each transfer is applied on both of
 *   its participants or on neither; an acknowledged (ok) transfer is applied; a failed one
 *   is not; nothing is applied twice or unknown; each balance equals the initial balance
 *   plus the applied changes; the final total is conserved; nothing is still in doubt.
 * - Figures: how many transfers succeeded, failed or stayed unknown, and how long
 *   participants were blocked in doubt.
 *
 * Without a final read from every participant atomicity cannot be judged: `unknown`.
 */
import { clientPairs } from '../core/history-reader.js';
import type { CompletedOp, Op } from '../core/op.js';
import { isTransfer, ownerOf, splitTransfer, totalOf, type BankLayout, type Transfer } from '../domain/bank.js';
import type { Checker, CheckResult, Validity } from './checker.js';
import { violationReport, type Violation } from './atomicity-violations.js';

interface FinalState {
  node: string;
  balances: Record<string, number>;
  applied: string[];
  prepared: string[];
  inDoubt?: Record<string, number>;
}

function asFinal(x: unknown): FinalState | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const f = x as Partial<FinalState>;
  if (typeof f.node !== 'string' || typeof f.balances !== 'object' || !Array.isArray(f.applied) || !Array.isArray(f.prepared)) return undefined;
  return f as FinalState;
}

function balancesOf(x: unknown): Record<string, number> | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const b = (x as { balances?: unknown }).balances;
  return typeof b === 'object' && b !== null ? (b as Record<string, number>) : undefined;
}

const sum = (b: Record<string, number>) => Object.values(b).reduce((a, x) => a + x, 0);

export function checkBank(history: readonly Op[], layout: BankLayout): CheckResult {
  const pairs = clientPairs(history);
  const total = totalOf(layout);
  const v: Violation[] = [];

  const transfers = new Map<string, { t: Transfer; op: CompletedOp }>();
  for (const p of pairs) if (p.f === 'transfer' && isTransfer(p.value)) transfers.set(p.value.id, { t: p.value, op: p });
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const { op } of transfers.values()) counts[op.type]++;

  // Reads: each one the system calls consistent must conserve money.
  const reads = pairs.filter((p) => p.f === 'read');
  const okReads = reads.filter((p) => p.type === 'ok');
  for (const r of okReads) {
    const b = balancesOf(r.result);
    if (b === undefined) continue;
    const s = sum(b);
    const missing = layout.accounts.filter((a) => !(a in b));
    const neg = Object.entries(b).filter(([, x]) => x < 0);
    if (s !== total || missing.length > 0) {
      const start = r.invoke.time;
      const end = r.complete?.time ?? Infinity;
      // Transfers whose lifetime overlaps the read are the ones it may have seen half of.
      const inFlight = [...transfers.values()]
        .filter(({ op }) => op.invoke.time < end && (op.complete?.time ?? Infinity) > start)
        .map(({ t }) => t.id);
      v.push({
        kind: 'read-total',
        message: `read at index ${r.invoke.index} sums to ${s}, not ${total}${missing.length ? ` (missing ${missing.join(',')})` : ''}; transfers in flight: ${inFlight.slice(0, 5).join(', ') || 'none'}`,
        index: r.invoke.index,
        ids: inFlight,
      });
    }
    if (neg.length > 0) {
      v.push({ kind: 'negative-balance', message: `read at index ${r.invoke.index} shows ${neg.map(([a, x]) => `${a}=${x}`).join(', ')}`, index: r.invoke.index });
    }
  }

  // Final state, per participant (the last ok final read of each).
  const finals = new Map<string, FinalState>();
  for (const p of pairs) {
    if (p.f !== 'final' || p.type !== 'ok') continue;
    const f = asFinal(p.result);
    if (f) finals.set(f.node, f);
  }
  const missingFinals = layout.participants.filter((p) => !finals.has(p));
  let finalSummary: Record<string, unknown> = { missing: missingFinals };
  if (missingFinals.length === 0) {
    const appliedOn = new Map<string, string[]>();
    for (const f of finals.values()) {
      const seen = new Set<string>();
      for (const id of f.applied) {
        if (seen.has(id)) v.push({ kind: 'applied-twice', message: `${id} applied twice on ${f.node}`, ids: [id] });
        seen.add(id);
        appliedOn.set(id, [...(appliedOn.get(id) ?? []), f.node]);
      }
      if (f.prepared.length > 0) {
        v.push({ kind: 'in-doubt', message: `${f.node} still has ${f.prepared.length} prepared transaction(s) after recovery: ${f.prepared.slice(0, 5).join(', ')}`, ids: f.prepared });
      }
    }
    for (const [id, nodes] of appliedOn) {
      const tr = transfers.get(id);
      if (tr === undefined) {
        v.push({ kind: 'unknown-applied', message: `${nodes.join(',')} applied ${id}, which no client asked for`, ids: [id] });
        continue;
      }
      const parts = [...splitTransfer(tr.t).keys()];
      const stray = nodes.filter((n) => !parts.includes(n));
      if (stray.length > 0) v.push({ kind: 'unknown-applied', message: `${id} applied on ${stray.join(',')}, which it does not touch`, ids: [id] });
    }
    for (const [id, { t, op }] of transfers) {
      const parts = [...splitTransfer(t).keys()];
      const on = parts.filter((p) => (appliedOn.get(id) ?? []).includes(p));
      const off = parts.filter((p) => !on.includes(p));
      const what = `${id} (${t.from}→${t.to} ${t.amount}, ${op.type}${op.error ? `: ${op.error}` : ''})`;
      if (on.length > 0 && off.length > 0) {
        v.push({ kind: 'partial-transfer', message: `${what} applied on ${on.join(',')} but not on ${off.join(',')}`, ids: [id] });
      } else if (op.type === 'ok' && on.length === 0) {
        v.push({ kind: 'lost-transfer', message: `${what} was acknowledged but is applied nowhere`, ids: [id] });
      } else if (op.type === 'fail' && on.length > 0) {
        v.push({ kind: 'failed-transfer-applied', message: `${what} was reported failed but is applied`, ids: [id] });
      }
      if (op.type === 'fail' && on.length > 0 && off.length > 0) {
        v.push({ kind: 'failed-transfer-applied', message: `${what} was reported failed but is applied on ${on.join(',')}`, ids: [id] });
      }
    }
    // Balances must be what the applied transfers say they are.
    const finalBalances: Record<string, number> = {};
    for (const f of finals.values()) Object.assign(finalBalances, f.balances);
    const expected: Record<string, number> = Object.fromEntries(layout.accounts.map((a) => [a, layout.initialBalance]));
    for (const f of finals.values()) {
      for (const id of new Set(f.applied)) {
        const tr = transfers.get(id);
        if (!tr) continue;
        for (const d of splitTransfer(tr.t).get(f.node) ?? []) expected[d.account] = (expected[d.account] ?? 0) + d.delta;
      }
    }
    for (const a of layout.accounts) {
      const got = finalBalances[a];
      if (got !== expected[a]) {
        v.push({ kind: 'balance-mismatch', message: `${a} (on ${ownerOf(a)}) is ${String(got)} but its applied transfers make ${String(expected[a])}` });
      }
      if (got !== undefined && got < 0) v.push({ kind: 'negative-balance', message: `final balance of ${a} is ${got}` });
    }
    const finalTotal = sum(finalBalances);
    if (finalTotal !== total) v.push({ kind: 'final-total', message: `final balances sum to ${finalTotal}, not ${total}` });
    finalSummary = {
      total: finalTotal,
      balances: finalBalances,
      applied: Object.fromEntries([...finals].map(([n, f]) => [n, f.applied.length])),
      inDoubt: Object.fromEntries([...finals].map(([n, f]) => [n, f.inDoubt ?? {}])),
    };
  }

  const atomicityKnown = missingFinals.length === 0;
  const valid: Validity = v.length > 0 ? false : atomicityKnown ? true : 'unknown';
  const n = transfers.size;
  return {
    valid,
    ...violationReport(v),
    expectedTotal: total,
    transfers: { ...counts, total: n, okFraction: n ? Math.round((counts.ok / n) * 1000) / 1000 : 0 },
    reads: { ok: okReads.length, fail: reads.filter((r) => r.type === 'fail').length, checked: okReads.length },
    final: finalSummary,
    ...(atomicityKnown ? {} : { reason: `no final read from ${missingFinals.join(', ')}: atomicity not judged` }),
  };
}

export function bankChecker(layout: BankLayout): Checker {
  return {
    name: 'bank',
    async check(history) {
      return checkBank(history, layout);
    },
  };
}
