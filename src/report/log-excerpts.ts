/**
 * Node log lines from around a failure. Node logs start each line with an ISO time; the
 * history's clock starts when test.json is written (startedAt), so a line's place on the
 * history's time axis is its time minus startedAt (within milliseconds, which is plenty
 * for "what were the nodes saying then").
 */
import type { NodeLog } from './load-run.js';

export interface Excerpt {
  node: string;
  /** Lines with their time in seconds since the start. */
  lines: Array<{ t: number; text: string }>;
  /** Lines in the window left out to keep the excerpt short. */
  more: number;
}

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\s/;

export function logExcerpts(logs: readonly NodeLog[], startedAt: string | undefined, fromNs: number, toNs: number, maxLines = 12): Excerpt[] {
  const origin = startedAt ? Date.parse(startedAt) : NaN;
  if (!Number.isFinite(origin)) return [];
  const out: Excerpt[] = [];
  for (const log of logs) {
    const hits: Array<{ t: number; text: string }> = [];
    for (const line of log.text.split('\n')) {
      const m = STAMP.exec(line);
      if (!m) continue;
      const ns = (Date.parse(m[1]!) - origin) * 1e6;
      if (ns >= fromNs && ns <= toNs) hits.push({ t: ns / 1e9, text: line });
    }
    if (hits.length) out.push({ node: log.node, lines: hits.slice(-maxLines), more: Math.max(0, hits.length - maxLines) });
  }
  return out;
}
