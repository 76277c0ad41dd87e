/**
 * Client operations as time spans (invocation to completion), the unit every plot and
 * the explanation timeline draw. Nemesis ops are kept apart: they become fault windows.
 */
import { clientPairs } from '../core/history-reader.js';
import type { Op, ProcessId } from '../core/op.js';

export interface Span {
  process: ProcessId;
  f: string;
  type: 'ok' | 'fail' | 'info';
  /** Invocation time, ns since the start. */
  start: number;
  /** Completion time, ns; undefined when the op never completed (the run was cut short). */
  end: number | undefined;
  invokeIndex: number;
  completeIndex: number | undefined;
  value: unknown;
  result: unknown;
  node: string | undefined;
  error: string | undefined;
}

/** Client spans in invocation order. */
export function clientSpans(ops: readonly Op[]): Span[] {
  return clientPairs(ops).map((p) => ({
      process: p.process,
      f: p.f,
      type: p.type,
      start: p.invoke.time,
      end: p.complete?.time,
      invokeIndex: p.invoke.index,
      completeIndex: p.complete?.index,
      value: p.value,
      result: p.result,
      node: p.node,
      error: p.error,
    }));
}

/** Latency in milliseconds, or undefined for an op that never completed. */
export function latencyMs(s: Span): number | undefined {
  return s.end === undefined ? undefined : (s.end - s.start) / 1e6;
}

/** Counts of history entries by type, split into client and nemesis entries. */
export function countByType(ops: readonly Op[]): { client: Record<Op['type'], number>; nemesis: number } {
  const client = { invoke: 0, ok: 0, fail: 0, info: 0 };
  let nemesis = 0;
  for (const o of ops) {
    if (o.process === 'nemesis') nemesis++;
    else client[o.type]++;
  }
  return { client, nemesis };
}
