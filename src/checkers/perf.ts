/**
 * Latency and throughput statistics. Never invalid: it describes the run so a verdict
 * can be read against what the system was doing (e.g. all ops failing during a fault).
 */
import { clientPairs } from '../core/history-reader.js';
import type { Op } from '../core/op.js';
import type { Checker, CheckResult } from './checker.js';

interface LatencyStats {
  count: number;
  ok: number;
  fail: number;
  info: number;
  /** Milliseconds, over completed (ok or fail) ops. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function perfStats(history: readonly Op[]): CheckResult {
  const pairs = clientPairs(history);
  const byF = new Map<string, { lat: number[]; ok: number; fail: number; info: number }>();
  for (const p of pairs) {
    const s = byF.get(p.f) ?? { lat: [], ok: 0, fail: 0, info: 0 };
    byF.set(p.f, s);
    s[p.type]++;
    if (p.complete && p.type !== 'info') s.lat.push((p.complete.time - p.invoke.time) / 1e6);
  }
  const perF: Record<string, LatencyStats> = {};
  for (const [f, s] of [...byF].sort(([a], [b]) => a.localeCompare(b))) {
    const lat = s.lat.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 100) / 100;
    perF[f] = {
      count: s.ok + s.fail + s.info,
      ok: s.ok,
      fail: s.fail,
      info: s.info,
      p50: round(quantile(lat, 0.5)),
      p95: round(quantile(lat, 0.95)),
      p99: round(quantile(lat, 0.99)),
      max: round(lat[lat.length - 1] ?? 0),
    };
  }
  const times = history.map((o) => o.time);
  const durationS = times.length ? (Math.max(...times) - Math.min(...times)) / 1e9 : 0;
  const okCount = pairs.filter((p) => p.type === 'ok').length;
  return {
    valid: true,
    ops: pairs.length,
    durationSeconds: Math.round(durationS * 100) / 100,
    okPerSecond: durationS > 0 ? Math.round((okCount / durationS) * 10) / 10 : 0,
    byFunction: perF,
  };
}

export const perf: Checker = {
  name: 'perf',
  async check(history) {
    return perfStats(history);
  },
};
