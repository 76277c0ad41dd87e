/** The page `faultline serve` shows at `/`: every run, newest first, linked to its report. */
import { esc } from './escape.js';
import type { RunEntry } from './runs-index.js';
import { STYLES } from './styles.js';
import { verdictText } from './summary.js';
import { CSP } from './csp.js';

function runUrl(r: RunEntry, file: string): string {
  return `/runs/${encodeURIComponent(r.workload)}/${encodeURIComponent(r.stamp)}/${file}`;
}

export function indexPage(root: string, runs: readonly RunEntry[]): string {
  const rows = runs.map((r) => {
    const v = r.verdict;
    const cls = v === undefined ? '' : v === true ? 'v-valid' : v === false ? 'v-invalid' : 'v-unknown';
    const link = r.hasHistory ? `<a href="${esc(runUrl(r, 'report.html'))}">report</a>` : '';
    return `<tr><td>${esc(r.workload)}</td><td>${esc(r.variant ?? '')}</td><td>${esc(r.startedAt ?? r.stamp)}</td><td class="${r.error !== undefined ? 'v-unknown' : cls}">${r.error !== undefined ? `error: ${esc(r.error)}` : v === undefined ? 'not checked' : verdictText(v)}</td><td><code>${esc(r.seed ?? '')}</code></td><td>${link} <a href="${esc(runUrl(r, 'results.json'))}">results.json</a> <a href="${esc(runUrl(r, 'history.jsonl'))}">history</a></td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<title>faultline runs</title><style>${STYLES}</style></head>
<body><main><h1 class="index-title">faultline runs</h1><p class="note">${runs.length} run(s) in <code>${esc(root)}</code>, newest first. Reload to see new runs.</p>
<table id="runs"><thead><tr><th>workload</th><th>variant</th><th>started</th><th>verdict</th><th>seed</th><th></th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="6">no runs yet</td></tr>'}</tbody></table>
</main></body></html>
`;
}
