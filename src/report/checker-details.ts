/**
 * Checkers the report has no dedicated view for (bank, 2PC, sagas, sets… as they
 * arrive): when one is not valid, its messages, a table of the operations its violations
 * name (linked to the timeline), and its whole result as escaped, size-capped JSON, so a
 * verdict is never left without its evidence on the page.
 */
import { toJson } from '../core/exact-json.js';
import { clip, esc } from './escape.js';
import { describe } from './explanation.js';
import type { PartitionDoc, Verdict } from './results-doc.js';
import type { Span } from './spans.js';
import { verdictText } from './summary.js';
import type { Violation } from './violations.js';

/** Characters of JSON shown per checker: enough for a table of ops, not a whole history. */
const MAX_JSON = 20_000;

export interface CheckerEvidence {
  name: string;
  valid: Verdict;
  result: unknown;
  partitions: PartitionDoc[];
  violations: Violation[];
  moreViolations: number;
  /** The checker's summary lines (its `messages`). */
  messages: string[];
}

export function checkerView(e: CheckerEvidence, byIndex: ReadonlyMap<number, Span>, linked: ReadonlySet<number>): string {
  let json: string;
  try {
    json = toJson(e.result, 2);
  } catch {
    json = String(e.result);
  }
  const messages = [
    ...e.partitions
      .filter((p) => p.valid !== true && p.reason !== 'skipped')
      .map((p) => `<li><code>${esc(p.key)}</code>: ${esc(clip(p.explanation?.message ?? (p.valid === false ? 'invalid' : `unknown (${p.reason ?? 'budget'})`), 600))}</li>`),
    ...e.messages.map((m) => `<li>${esc(clip(m, 600))}</li>`),
  ];
  const rows = e.violations.map((v) => {
    // One line per op involved, in the op columns of the violation's row.
    const ops = v.indices.map((i) => ({ i, s: byIndex.get(i) }));
    // One line each (cut with an ellipsis), so the columns stay aligned op by op.
    const cell = (f: (x: { i: number; s: Span | undefined }) => string) => ops.map((x) => `<div class="oneline">${f(x) || '&nbsp;'}</div>`).join('');
    const idx = cell(({ i, s }) => (s && linked.has(s.invokeIndex) ? `<a href="#op-${s.invokeIndex}" title="show in the timeline">${i}</a>` : String(i)));
    const proc = cell(({ s }) => (s ? esc(s.process) : ''));
    const node = cell(({ s }) => (s ? esc(s.node ?? '') : ''));
    const op = cell(({ s }) => (s ? `<code title="${esc(clip(describe(s), 1000))}">${esc(clip(describe(s), 160))}</code>` : ''));
    const when = cell(({ s }) => (s ? `${(s.start / 1e9).toFixed(3)}${s.end !== undefined ? `–${(s.end / 1e9).toFixed(3)}` : ''}` : ''));
    return `<tr><td>${esc(v.kind ?? '')}</td><td>${esc(clip(v.message ?? '', 300))}</td><td>${idx}</td><td>${proc}</td><td>${node}</td><td>${op}</td><td>${when}</td></tr>`;
  });
  const table = rows.length
    ? `<table class="ops"><thead><tr><th>kind</th><th>what</th><th>index</th><th>process</th><th>node</th><th>op</th><th>invoked–completed (s)</th></tr></thead><tbody>${rows.join('')}</tbody></table>${e.moreViolations ? `<p class="note">${e.moreViolations} more in results.json.</p>` : ''}`
    : '';
  return `<section class="explanation" id="checker-${esc(e.name)}"><h3>${esc(e.name)}: ${verdictText(e.valid)}</h3>${messages.length ? `<ul class="message">${messages.join('')}</ul>` : ''}${table}<details><summary>The whole ${esc(e.name)} result, as recorded in results.json</summary><pre class="log">${esc(clip(json, MAX_JSON))}</pre></details></section>`;
}
