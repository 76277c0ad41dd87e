/**
 * The top of the report: the verdict of each checker, how to reproduce the run, its
 * options, durations and op counts. Everything a reviewer needs before the plots.
 */
import { esc, showValue } from './escape.js';
import { scalarText, type RunData } from './load-run.js';
import { checkerResult, checkerVerdicts, overallVerdict, partitionsOf, perfRows, type Verdict } from './results-doc.js';
import { countByType } from './spans.js';
import { describeFigures, evidenceFromResults } from './evidence.js';

export function verdictText(v: Verdict): string {
  return v === true ? 'VALID' : v === false ? 'INVALID' : 'UNKNOWN';
}

function verdictClass(v: Verdict): string {
  return v === true ? 'v-valid' : v === false ? 'v-invalid' : 'v-unknown';
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function summary(run: RunData, historySeconds: number): string {
  const o = run.test.options;
  const overall = overallVerdict(run.results);
  const head = `<header class="verdict ${verdictClass(overall)}"><div class="big" id="verdict">${verdictText(overall)}</div><div><h1>${esc(scalarText(o.workload) ?? 'run')}${scalarText(o.variant) !== undefined ? ` <span class="variant">(${esc(scalarText(o.variant)!)})</span>` : ''}</h1><div class="sub">seed <code>${esc(scalarText(o.seed) ?? '?')}</code> · run <code>${esc(run.test.runId ?? '?')}</code>${run.test.startedAt ? ` · started ${esc(run.test.startedAt)}` : ''}${run.results === undefined ? ' · <strong>not checked yet</strong>' : ''}</div></div></header>`;

  const checkers = checkerVerdicts(run.results).map((c) => {
    let detail = '';
    const parts = partitionsOf(checkerResult(run.results, c.name));
    if (parts.length) {
      const bad = parts.filter((p) => p.valid === false).map((p) => `<a href="#key-${esc(p.key)}"><code>${esc(p.key)}</code></a>`);
      const unknown = parts.filter((p) => p.valid === 'unknown');
      const skipped = unknown.filter((p) => p.reason === 'skipped').length;
      detail = [
        `${parts.length} key(s)`,
        bad.length ? `invalid: ${bad.join(', ')}` : '',
        unknown.length - skipped ? `undecided: ${unknown.length - skipped}` : '',
        skipped ? `${skipped} not checked after the first violation` : '',
      ].filter(Boolean).join(' · ');
    }
    return `<tr><td>${esc(c.name)}</td><td class="${verdictClass(c.valid)}">${verdictText(c.valid)}</td><td>${detail}</td></tr>`;
  });

  const started = run.test.startedAt ? Date.parse(run.test.startedAt) : NaN;
  const ended = run.test.endedAt ? Date.parse(run.test.endedAt) : NaN;
  const checkMs = typeof (run.results as { checkMs?: unknown } | undefined)?.checkMs === 'number' ? (run.results as { checkMs: number }).checkMs : undefined;
  const counts = countByType(run.ops);
  const facts: Array<[string, string]> = [
    ['replay', `<code class="cmd">${esc(run.test.replay ?? '(not recorded)')}</code>`],
    ['run time', Number.isFinite(started) && Number.isFinite(ended) ? `${seconds(ended - started)} wall clock (${esc(run.test.startedAt!)} → ${esc(run.test.endedAt!)})` : 'unknown'],
    ['history', `${historySeconds.toFixed(2)} s, ${run.ops.length} entries${run.truncated ? ' (a cut-off last line was dropped)' : ''}${run.test.interrupted ? ' · <strong>interrupted</strong>' : ''}`],
    ['check time', checkMs !== undefined ? seconds(checkMs) : '—'],
    ['client ops', `${counts.client.invoke} invoked · <span class="o-ok-t">${counts.client.ok} ok</span> · <span class="o-fail-t">${counts.client.fail} fail</span> · <span class="o-info-t">${counts.client.info} info</span>${counts.client.invoke > counts.client.ok + counts.client.fail + counts.client.info ? ` · ${counts.client.invoke - counts.client.ok - counts.client.fail - counts.client.info} never completed` : ''}`],
    ['nemesis ops', String(counts.nemesis)],
  ];
  // How strong a pass is: a VALID on a weak run must read as weak.
  const evidence = evidenceFromResults(run.results);
  if (evidence) {
    const head = evidence.strength === 'weak' ? `<strong class="v-unknown">weak</strong> — ${esc(evidence.weaknesses.join('; '))}` : 'adequate';
    facts.unshift(['evidence', `${head}<br>${esc(describeFigures(evidence))}`]);
  }
  const options = Object.entries(o).map(([k, v]) => `<tr><td>${esc(k)}</td><td><code>${esc(typeof v === 'string' ? v : showValue(v))}</code></td></tr>`);
  const perf = perfRows(run.results);
  const perfTable = perf.length
    ? `<table class="num"><thead><tr><th>op</th><th>count</th><th>ok</th><th>fail</th><th>info</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr></thead><tbody>${perf.map((r) => `<tr><td>${esc(r.f)}</td><td>${r.count}</td><td>${r.ok}</td><td>${r.fail}</td><td>${r.info}</td><td>${r.p50}</td><td>${r.p95}</td><td>${r.p99}</td><td>${r.max}</td></tr>`).join('')}</tbody></table>`
    : '';
  return `${head}
<section class="summary">
<div class="col"><h2>Checkers</h2><table class="checkers"><tbody>${checkers.join('') || '<tr><td colspan="3">no results.json: run <code>faultline check</code> on this directory</td></tr>'}</tbody></table>
<h2>Run</h2><table class="facts"><tbody>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>${perfTable ? `<h2>Latency by operation</h2>${perfTable}` : ''}</div>
<div class="col"><h2>Options</h2><table class="options"><tbody>${options.join('')}</tbody></table></div>
</section>`;
}
