/**
 * Assembles the single self-contained page: summary, plots, fault windows, explanations
 * of invalid keys, node log tails. No script and nothing to load (see csp.ts), so the
 * page works opened from disk.
 */
import { makeBuckets } from './buckets.js';
import { CSP } from './csp.js';
import { clip, esc } from './escape.js';
import { checkerView, type CheckerEvidence } from './checker-details.js';
import { explainKey, type KeyView } from './explanation.js';
import { logExcerpts } from './log-excerpts.js';
import { queueIndices, queueResult, queueSection } from './queue-view.js';
import { explanationView } from './explanation-view.js';
import { faultWindows, type FaultWindow } from './fault-windows.js';
import { latencyPlot } from './latency-plot.js';
import { scalarText, type RunData } from './load-run.js';
import { quantilePlot } from './quantile-plot.js';
import { checkerResult, checkerVerdicts, overallVerdict, partitionsOf } from './results-doc.js';
import { clientSpans } from './spans.js';
import { STYLES } from './styles.js';
import { summary, verdictText } from './summary.js';
import { throughputPlot } from './throughput-plot.js';
import { timelineHasBars, timelinePlot } from './timeline-plot.js';
import { checkerMessages, collectViolations, spanIndex } from './violations.js';

export function renderReport(run: RunData, generatedAt = new Date()): string {
  const spans = clientSpans(run.ops);
  let end = 0;
  for (const o of run.ops) if (o.time > end) end = o.time;
  const seconds = end / 1e9;
  const faults = faultWindows(run.ops);
  const c = run.test.options.concurrency;
  const concurrency = typeof c === 'number' && Number.isInteger(c) && c > 0 ? c : undefined;
  const b = makeBuckets(end);
  // Linearizability-style explanations (a prefix and ops that cannot follow it) get the
  // timeline view; any other checker that is not valid gets the generic evidence view.
  const views: KeyView[] = [];
  const others: CheckerEvidence[] = [];
  for (const c of checkerVerdicts(run.results)) {
    if (c.valid === true || c.name === 'perf') continue;
    const result = checkerResult(run.results, c.name);
    const partitions = partitionsOf(result);
    const wgl = partitions.filter((p) => p.valid === false && p.explanation && (p.explanation.prefix.length > 0 || p.explanation.next.length > 0));
    for (const p of wgl) {
      const v = explainKey(p, spans, end);
      if (v) views.push(v);
    }
    if (wgl.length === 0) others.push({ name: c.name, valid: c.valid, result, partitions, messages: partitions.length ? [] : checkerMessages(result), ...toEvidence(collectViolations(result)) });
  }
  const byIndex = spanIndex(spans);
  const queue = queueResult(run.results);
  // Ops drawn in an explanation link to their bar in the timeline, when it has bars.
  const anchors = new Set<number>();
  if (timelineHasBars(spans)) {
    for (const v of views) for (const o of v.ops) anchors.add(o.span.invokeIndex);
    for (const e of others) for (const v of e.violations) for (const i of v.indices) if (byIndex.has(i)) anchors.add(byIndex.get(i)!.invokeIndex);
    for (const i of queueIndices(queue)) if (byIndex.has(i)) anchors.add(byIndex.get(i)!.invokeIndex);
  }
  const plots = spans.length
    ? [latencyPlot(spans, seconds, faults), quantilePlot(spans, b, seconds, faults), throughputPlot(spans, b, seconds, faults), timelinePlot(spans, b, seconds, faults, concurrency, end, anchors)].join('\n')
    : '<p>No client operations in the history.</p>';
  const explanations = [
    ...views.map((v) => explanationView(v, end, logExcerpts(run.nodeLogs, run.test.startedAt, v.t0 - 1e9, v.t1 + 1e9), anchors)),
    ...others.map((e) => checkerView(e, byIndex, anchors)),
  ];
  const o = run.test.options;
  const variant = scalarText(o.variant);
  const title = `${verdictText(overallVerdict(run.results))} · ${scalarText(o.workload) ?? 'run'} ${variant !== undefined ? `(${variant})` : ''} seed ${scalarText(o.seed) ?? '?'}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLES}</style></head>
<body><main>
${summary(run, seconds)}
${explanations.length ? `<section class="explanations"><h2>Why it is not valid</h2>${explanations.join('\n')}</section>` : ''}
${queueSection(queue, byIndex, anchors)}
<section class="plots"><h2>What happened</h2>
${plots}
</section>
${faultTable(faults)}
${logs(run)}
<footer>faultline report for <code>${esc(run.dir)}</code>, generated ${esc(generatedAt.toISOString())}. Self-contained: no network, no scripts.</footer>
</main></body></html>
`;
}

function faultTable(faults: readonly FaultWindow[]): string {
  if (!faults.length) return '<section class="faults"><h2>Faults</h2><p>No faults were injected.</p></section>';
  const rows = faults.map((w) => `<tr><td>${esc(w.kind)}</td><td>${esc(clip(w.label, 160))}</td><td>${(w.start / 1e9).toFixed(3)}</td><td>${(w.end / 1e9).toFixed(3)}${w.unhealed ? ' (not healed)' : ''}</td><td>${((w.end - w.start) / 1e9).toFixed(3)}</td></tr>`);
  return `<section class="faults"><h2>Faults</h2><table class="num-ish"><thead><tr><th>kind</th><th>what</th><th>from (s)</th><th>until (s)</th><th>for (s)</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function logs(run: RunData): string {
  if (!run.nodeLogs.length) return '';
  const items = run.nodeLogs.map((l) => `<details><summary>${esc(l.node)}${l.omittedLines ? ` (last lines; ${l.omittedLines} earlier not shown)` : ''}</summary><pre class="log">${esc(l.tail)}</pre></details>`);
  return `<section class="logs"><h2>Node logs</h2>${items.join('')}</section>`;
}

function toEvidence(c: ReturnType<typeof collectViolations>): { violations: CheckerEvidence['violations']; moreViolations: number } {
  return { violations: c.violations, moreViolations: c.more };
}
