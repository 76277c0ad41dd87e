/**
 * Checks a run directory: reads `test.json` to find the workload and its options, reads
 * the history (a truncated last line from a crash is tolerated), runs the workload's
 * checkers plus perf statistics, writes `results.json` and prints a short verdict.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { compose, type CheckResult, type Validity } from '../checkers/checker.js';
import { perf } from '../checkers/perf.js';
import { reportAfterCheck } from '../report/check-hook.js';
import { UsageError } from './errors.js';
import { readHistoryFile } from './history-reader.js';
import { runFiles } from './run-dir.js';
import type { TestOptions } from './test.js';
import { loadWorkload } from './workloads.js';

export interface CheckOutcome {
  valid: Validity;
  exitCode: number;
  results: CheckResult;
}

export function exitCodeFor(valid: Validity): number {
  return valid === true ? 0 : valid === false ? 1 : 2;
}

export async function checkRun(runDir: string, out: NodeJS.WritableStream = process.stderr, override?: { checkerTimeout?: number }): Promise<CheckOutcome> {
  const testPath = runFiles.test(runDir);
  if (!existsSync(testPath)) throw new UsageError(`${runDir} is not a run directory (no test.json); pass a directory under reports/<workload>/`);
  let test: { options?: TestOptions; configPath?: string };
  try {
    test = JSON.parse(readFileSync(testPath, 'utf8')) as { options?: TestOptions; configPath?: string };
  } catch (e) {
    throw new UsageError(`${testPath}: not valid JSON (${(e as Error).message})`);
  }
  const options = test.options;
  if (!options?.workload) throw new UsageError(`${testPath}: no options.workload; was it written by faultline run?`);
  if (override?.checkerTimeout !== undefined) options.checkerTimeout = override.checkerTimeout;
  const workload = await loadWorkload(options.workload, test.configPath !== undefined ? { config: test.configPath } : {});
  const { ops, truncated } = readHistoryFile(runFiles.history(runDir));
  const checker = compose([workload.checker(options), perf]);
  // The search can take a while on a long history: say what is happening.
  out.write(`faultline: checking ${ops.length} history ops (budget ${options.checkerTimeout} s)\n`);
  const started = Date.now();
  const results = await checker.check(ops, { runDir, options: options as unknown as Record<string, unknown>, timeoutMs: options.checkerTimeout * 1000 });
  const doc = { ...results, historyOps: ops.length, truncated, checkedAt: new Date().toISOString(), checkMs: Date.now() - started };
  writeFileSync(runFiles.results(runDir), JSON.stringify(doc, null, 2) + '\n');
  out.write(summarize(options, doc, runDir) + '\n');
  out.write(reportAfterCheck(runDir) + '\n');
  return { valid: results.valid, exitCode: exitCodeFor(results.valid), results: doc };
}

/** A few lines for the terminal: the verdict, and for an invalid run where to look. */
export function summarize(options: TestOptions, results: CheckResult, runDir: string): string {
  const verdict = results.valid === true ? 'VALID' : results.valid === false ? 'INVALID' : 'UNKNOWN';
  const lines = [`faultline: ${options.workload} (${options.variant}, seed ${options.seed}): ${verdict}`];
  for (const [name, r] of Object.entries(results)) {
    if (!isResult(r)) continue;
    if (name === 'perf') {
      lines.push(`  perf: ${String(r.ops)} ops in ${String(r.durationSeconds)} s, ${String(r.okPerSecond)} ok/s`);
      continue;
    }
    describeChecker(name, r, '  ', lines);
  }
  if (results.truncated === true) lines.push('  note: the history ended in a partial line (a crashed run); it was dropped');
  lines.push(`  results: ${runFiles.results(runDir)}`);
  return lines.join('\n');
}

function isResult(x: unknown): x is CheckResult {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'valid' in x;
}

const word = (v: Validity) => (v === true ? 'valid' : v === false ? 'INVALID' : 'unknown');

/**
 * One checker's lines: its verdict, then for an invalid one what is wrong — the keys that
 * are not linearizable, a checker's own messages (lost elements, broken invariants…), and
 * the checkers it combines, one level down.
 */
function describeChecker(name: string, r: CheckResult, indent: string, lines: string[]): void {
  lines.push(`${indent}${name}: ${word(r.valid)}`);
  // A checker's one line of figures (e.g. the queue's), shown whatever the verdict.
  if (typeof r.summary === 'string') lines.push(`${indent}  ${r.summary}`);
  if (r.valid === true) return;
  const parts = (Array.isArray(r.partitions) ? r.partitions : []) as Array<{ key: string; valid: Validity; explanation?: { message: string }; reason?: string }>;
  const skipped = parts.filter((x) => x.reason === 'skipped').length;
  for (const p of parts.filter((x) => x.valid !== true && x.reason !== 'skipped').slice(0, 5)) {
    lines.push(`${indent}  key ${p.key}: ${p.valid === false ? (p.explanation?.message ?? 'not linearizable') : `unknown (${p.reason ?? 'budget'})`}`);
  }
  if (skipped > 0) lines.push(`${indent}  (${skipped} other key(s) not checked after the first violation)`);
  const messages = Array.isArray(r.messages) ? (r.messages as unknown[]).filter((m): m is string => typeof m === 'string') : [];
  for (const m of messages.slice(0, 3)) lines.push(`${indent}  ${m}`);
  if (messages.length > 3) lines.push(`${indent}  (${messages.length - 3} more in results.json)`);
  if (indent.length > 2) return;
  for (const [sub, v] of Object.entries(r)) if (isResult(v)) describeChecker(sub, v, `${indent}  `, lines);
}
