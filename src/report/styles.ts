/** The report's stylesheet, inlined into every page (no external fonts or files). */
export const STYLES = `
:root{--ok:#2f6fb3;--fail:#d6336c;--info:#e8890c;--cut:#7048e8;--crash:#495057;--freeze:#0ca678;--other:#f59f00;--time:#1971c2;--degraded:#a61e4d;--fg:#1d2125;--muted:#667;--line:#dde1e6}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#f7f8fa}
main{max-width:1180px;margin:0 auto;padding:0 16px 48px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef0f3;padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
code.cmd{display:block;padding:6px 8px;white-space:pre-wrap;user-select:all}
h1{margin:0;font-size:22px}h2{font-size:15px;margin:18px 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}h3{margin:8px 0}
.verdict{display:flex;gap:20px;align-items:center;padding:16px 20px;margin:0 -16px 8px;color:#fff}
.verdict .big{font-size:34px;font-weight:800;letter-spacing:.03em}
.verdict .sub{opacity:.92}.verdict code{background:rgba(255,255,255,.18);color:#fff}
.variant{font-weight:400}
header.v-valid{background:#2b8a3e}header.v-invalid{background:#c92a2a}header.v-unknown{background:#868e96}
td.v-valid{color:#2b8a3e;font-weight:700}td.v-invalid{color:#c92a2a;font-weight:700}td.v-unknown{color:#868e96;font-weight:700}
.summary{display:flex;flex-wrap:wrap;gap:24px}.summary .col{flex:1 1 420px;min-width:0}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
table.facts th{width:110px;color:var(--muted);font-weight:600}
table.num td:not(:first-child),table.num th:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
.o-ok-t{color:var(--ok)}.o-fail-t{color:var(--fail)}.o-info-t{color:var(--info)}
section.plots,section.faults,section.explanations,section.logs{margin-top:20px}
figure{margin:14px 0;background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 10px}
figcaption{font-weight:600;margin-bottom:4px}.note{font-weight:400;color:var(--muted);font-size:12.5px}
svg text{font:10px system-ui,sans-serif;fill:#444}
.grid{stroke:#eceef1;stroke-width:1}.frame{fill:none;stroke:#c8cdd3}
.axis-label{fill:var(--muted)}
.fault rect{opacity:.13}.fault-edge line{stroke-width:1.2;stroke-dasharray:4 3;opacity:.8}.fault-label{font-weight:600}.fault-tick{stroke-width:3}
.fk-cut rect{fill:var(--cut)}.fk-cut text{fill:var(--cut)}.fk-cut line{stroke:var(--cut)}
.fk-crash rect{fill:var(--crash)}.fk-crash text{fill:var(--crash)}.fk-crash line{stroke:var(--crash)}
.fk-freeze rect{fill:var(--freeze)}.fk-freeze text{fill:var(--freeze)}.fk-freeze line{stroke:var(--freeze)}
.fk-time rect{fill:var(--time)}.fk-time text{fill:var(--time)}.fk-time line{stroke:var(--time)}
.fk-degraded rect{fill:var(--degraded)}.fk-degraded text{fill:var(--degraded)}.fk-degraded line{stroke:var(--degraded)}
.fk-other rect{fill:var(--other)}.fk-other text{fill:#b07200}.fk-other line{stroke:var(--other)}
.pts{fill:none;stroke-width:1.3}
.pts.s-circle{stroke-width:5;stroke-linecap:round}.pts.s-square{stroke-width:4.5;stroke-linecap:square}
.pts.s-triangle,.pts.s-diamond{stroke:none}
.o-ok.pts{stroke:var(--ok)}.o-fail.pts{stroke:var(--fail)}.o-info.pts{stroke:var(--info)}.o-neutral.pts{stroke:#555}
.o-ok.s-triangle,.o-ok.s-diamond{fill:var(--ok)}.o-fail.s-triangle,.o-fail.s-diamond{fill:var(--fail)}.o-info.s-triangle,.o-info.s-diamond{fill:var(--info)}.o-neutral.s-triangle,.o-neutral.s-diamond{fill:#555}
.pts.o-ok{opacity:.75}
.bar.o-ok{fill:var(--ok)}.bar.o-fail{fill:var(--fail)}.bar.o-info{fill:var(--info)}
.qline{fill:none;stroke-width:1.6}.q-p50{stroke:#2f6fb3}.q-p95{stroke:#9c36b5}.q-p99{stroke:#e8590c}.q-max{stroke:#c92a2a;stroke-dasharray:3 2}
.qdot{fill:#2f6fb3}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12.5px;color:#444;margin-top:4px}
.lg{display:inline-flex;align-items:center;gap:4px}
.explanation{background:#fff;border:1px solid var(--line);border-left:4px solid #c92a2a;border-radius:6px;padding:8px 14px;margin:14px 0}
.message{font-weight:600;color:#c92a2a}
.lane{fill:#fafbfc}.lane.odd{fill:#f1f3f5}
.opbar{stroke-width:1.2}
.r-prefix.opbar{fill:#d3f9d8;stroke:#2b8a3e}.r-blocking.opbar{fill:#ffc9c9;stroke:#c92a2a;stroke-width:2.5}
.r-pending.opbar{fill:#ffe8cc;stroke:#e8590c}.r-concurrent.opbar{fill:#e9ecef;stroke:#868e96}
.r-failed.opbar{fill:#fff;stroke:#adb5bd;stroke-dasharray:3 2}.opbar.open{stroke-dasharray:6 3}
.optext{font:11px ui-monospace,Menlo,Consolas,monospace;fill:#1d2125;pointer-events:none;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.deadline{stroke:#c92a2a;stroke-width:1.5;stroke-dasharray:4 3}
tr.r-blocking td{background:#fff5f5}tr.r-prefix td:first-child{color:#2b8a3e;font-weight:700}
.err{color:var(--fail)}
.oneline{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:460px}.oneline code{overflow-wrap:normal}
#timeline rect:target{stroke:#000;stroke-width:3;fill:#ffd43b}
details{margin:8px 0}summary{cursor:pointer;color:#364fc7}
.explanation h4{margin:8px 0 2px;font-size:13px}
pre.log{margin:0;background:#1d2125;color:#e9ecef;padding:8px;overflow:auto;max-height:320px;font-size:12px;white-space:pre-wrap}
.index-title{margin:16px 0}
footer{margin-top:30px;color:var(--muted);font-size:12px}
`;
