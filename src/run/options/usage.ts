/**
 * The declarations as text: `faultline help`'s run options, the README's "Run options"
 * table and its Faults table (test/run/docs.test.ts checks the README against both).
 * Options declared by workloads are listed once per distinct declaration, with the
 * workloads that take it; a backend's, with the backend.
 */
import { FAULT_PACKAGES } from '../../nemesis/registry.js';
import type { Workload } from '../workload.js';
import { backendOptions } from './catalog.js';
import { argOf, type OptionSpec } from './spec.js';
import { RUN_OPTIONS } from './table.js';

interface Row {
  spec: OptionSpec;
  /** Workloads that declare it (undefined: every workload). */
  workloads?: string[];
}

/** Every option, workload options merged across the workloads that declare the same one. */
function rows(workloads: readonly Pick<Workload, 'name' | 'options'>[]): Row[] {
  const out: Row[] = [...RUN_OPTIONS, ...backendOptions()].map((spec) => ({ spec }));
  const declared: Row[] = [];
  for (const w of workloads) {
    for (const spec of w.options ?? []) {
      const same = declared.find((r) => r.spec === spec || (r.spec.flag === spec.flag && argOf(r.spec) === argOf(spec) && r.spec.help === spec.help));
      if (same) same.workloads!.push(w.name);
      else declared.push({ spec, workloads: [w.name] });
    }
  }
  return [...out, ...declared];
}

function bounds(spec: OptionSpec): string {
  const m = /from (\S+) to (\S+)$/.exec(spec.type.expected);
  const show = (x: string) => (Number(x) === Number.MAX_SAFE_INTEGER ? '2^53−1' : x);
  return m ? ` (${show(m[1]!)}–${show(m[2]!)})` : '';
}

function defaultWords(spec: OptionSpec): string | undefined {
  if (spec.defaultText !== undefined) return spec.defaultText;
  const d = spec.default;
  if (d === undefined || typeof d === 'function' || d === false) return undefined;
  const words = spec.type.format(d);
  return words?.join(' ');
}

function scopeWords(r: Row, md: boolean): string {
  const name = (n: string) => (md ? `\`${n}\`` : n);
  if (r.workloads) return `${r.workloads.map(name).join(', ')} only: `;
  if (r.spec.backends) return `with --backend ${r.spec.backends.join('|')} only: `;
  return '';
}

/** Markdown to terminal text: code spans, emphasis and links lose their markup. */
function plain(md: string): string {
  return md.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/`([^`]*)`/g, '$1').replace(/\*([^*]+)\*/g, '$1');
}

/** The run options for `faultline help`, one per line, wrapped to the flag column. */
export function optionsUsage(workloads: readonly Pick<Workload, 'name' | 'options'>[]): string {
  return rows(workloads)
    .map((r) => {
      const arg = argOf(r.spec);
      const head = `  ${r.spec.short ? `-${r.spec.short}, ` : ''}--${r.spec.flag}${arg ? ` ${arg}` : ''}`;
      const d = defaultWords(r.spec);
      const body = `${scopeWords(r, false)}${plain(r.spec.help)}${bounds(r.spec)}${d !== undefined ? ` [${d}]` : ''}`;
      return head.length < 29 ? `${head.padEnd(29)}${body}` : `${head}\n${''.padEnd(29)}${body}`;
    })
    .join('\n');
}

/** The README's "Run options" table. */
export function optionsTable(workloads: readonly Pick<Workload, 'name' | 'options'>[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| option | default | meaning |', '|---|---|---|'];
  for (const r of rows(workloads)) {
    const arg = argOf(r.spec);
    const d = defaultWords(r.spec);
    const dflt = d === undefined ? '' : r.spec.defaultText !== undefined ? d : `\`${d}\``;
    lines.push(`| ${cell(`\`--${r.spec.flag}${arg ? ` ${arg}` : ''}\``)} | ${cell(dflt)} | ${cell(`${scopeWords(r, true)}${r.spec.help}${bounds(r.spec)}`)} |`);
  }
  return lines.join('\n');
}

/** The README's Faults table: one row per fault package. */
export function faultsTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return ['| kind | what happens | how |', '|---|---|---|', ...FAULT_PACKAGES.map((p) => `| \`${p.kind}\` | ${cell(p.summary)} | ${cell(p.mechanism)} |`)].join('\n');
}
