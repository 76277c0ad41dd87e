/**
 * The check and report steps of a run, and `faultline check <run-dir>` which runs them
 * again on a stored history: read the history (a truncated last line from a crash is
 * tolerated), run the workload's checker plus perf statistics — each checker isolated, so
 * one that throws is `unknown` with its error and the others' results are kept — write
 * `results.json`, print a short verdict, write `report.html`.
 *
 * Re-checking executes nothing from the run directory: a built-in workload's checker comes
 * from the installed package (by the workload name in test.json), a workload file's from
 * the checker the run recorded as data, or else from a `--config` the user passes.
 */
import { compose, type Checker, type CheckResult, type Validity } from '../checkers/checker.js';
import { perf } from '../checkers/perf.js';
import { checkerFromSpec } from '../checkers/spec.js';
import { loadWorkloadFile } from '../config/load.js';
import { UsageError } from '../core/errors.js';
import { toJson } from '../core/exact-json.js';
import { readHistoryFile } from '../core/history-reader.js';
import type { Op } from '../core/op.js';
import { runFiles } from '../core/run-dir.js';
import { writeFileNoFollow } from '../core/safe-write.js';
import type { TestOptions } from '../core/test.js';
import { reportAfterCheck } from '../report/check-hook.js';
import { describeEvidence, describeFigures, evidenceFromResults, evidenceOf } from '../report/evidence.js';
import { optionsFor, type OptionSet } from './options/catalog.js';
import { shellQuote } from './options/replay-command.js';
import { checkedOptions, readStoredTest } from './stored-run.js';
import { builtinWorkload } from './workloads.js';

export interface CheckOutcome {
  valid: Validity;
  exitCode: number;
  results: CheckResult;
}

function exitCodeFor(valid: Validity): number {
  return valid === true ? 0 : valid === false ? 1 : 2;
}

/**
 * Step: check. Judges the history with `checker` (and perf statistics). A history without
 * a single client operation has nothing to judge: unknown, not valid.
 */
async function checkHistory(ops: readonly Op[], checker: Checker, options: TestOptions, runDir: string): Promise<CheckResult> {
  if (!ops.some((o) => o.process !== 'nemesis' && o.type === 'invoke')) {
    return { valid: 'unknown', reason: 'no client operation in the history: nothing to judge' };
  }
  return compose([checker, perf]).check(ops, { runDir, options: options as unknown as Record<string, unknown>, timeoutMs: options.checkerTimeout * 1000 });
}

/** Steps check and report on a run directory: results.json, the verdict lines, report.html. */
export async function checkAndReport(runDir: string, checker: Checker, options: TestOptions, out: NodeJS.WritableStream): Promise<CheckOutcome> {
  const { ops, truncated } = readHistoryFile(runFiles.history(runDir));
  // The search can take a while on a long history: say what is happening.
  out.write(`faultline: checking ${ops.length} history ops (budget ${options.checkerTimeout} s)\n`);
  const started = Date.now();
  const results = await checkHistory(ops, checker, options, runDir);
  // How strong a pass is (ops per key, indeterminate share, faults during traffic).
  const evidence = evidenceOf(ops);
  const doc = { ...results, evidence, historyOps: ops.length, truncated, checkedAt: new Date().toISOString(), checkMs: Date.now() - started };
  writeFileNoFollow(runFiles.results(runDir), toJson(doc, 2) + '\n');
  out.write(summarize(options, doc, runDir) + '\n');
  out.write(reportAfterCheck(runDir) + '\n');
  return { valid: results.valid, exitCode: exitCodeFor(results.valid), results: doc };
}

/** `faultline check <run-dir> [--checker-timeout s] [--config file] [--consistency-model m]`. */
export async function checkRun(
  runDir: string,
  out: NodeJS.WritableStream = process.stderr,
  o: { checkerTimeout?: number; config?: string; consistencyModel?: string } = {},
): Promise<CheckOutcome> {
  const stored = readStoredTest(runDir);
  const { checker, options } = await checkerOfStoredRun(runDir, stored, o.config, o.consistencyModel);
  if (o.checkerTimeout !== undefined) options.checkerTimeout = o.checkerTimeout;
  return checkAndReport(runDir, checker, options, out);
}

async function checkerOfStoredRun(
  runDir: string,
  stored: ReturnType<typeof readStoredTest>,
  config: string | undefined,
  consistencyModel: string | undefined,
): Promise<{ checker: Checker; options: TestOptions }> {
  const name = stored.options.workload;
  // A model other than the recorded one: checked like the run's own options.
  const withModel = (set: OptionSet): TestOptions => {
    const options = checkedOptions(stored, set);
    if (consistencyModel === undefined) return options;
    const spec = set.byKey.get('consistencyModel');
    if (!spec) throw new UsageError(`--consistency-model applies to transactional workloads (those that declare it: postgres, mariadb); ${runDir} ran "${name}"`);
    const v = spec.type.parse(consistencyModel);
    if (v === undefined) throw new UsageError(`--consistency-model must be ${spec.type.expected}, got "${consistencyModel}"`);
    (options as unknown as Record<string, unknown>).consistencyModel = v;
    return options;
  };
  if (config !== undefined) {
    const w = await loadWorkloadFile(config);
    if (w.name !== name) throw new UsageError(`${config} defines workload "${w.name}", but ${runDir} ran "${name}"`);
    const options = withModel(optionsFor(w));
    return { checker: w.checker(options), options };
  }
  if (stored.configPath === undefined) {
    const w = await builtinWorkload(name);
    if (!w) throw new UsageError(`${stored.path}: workload "${name}" is not a built-in workload; if it came from a workload file, pass it: faultline check ${shellQuote(runDir)} --config <file>`);
    const options = withModel(optionsFor(w));
    return { checker: w.checker(options), options };
  }
  const options = withModel(optionsFor());
  const checker = checkerFromSpec(stored.checker);
  if (checker) return { checker, options };
  throw new UsageError(
    `${runDir} ran the workload file ${stored.configPath}, whose checker is code; check never loads code named in a run directory: pass the file yourself: faultline check ${shellQuote(runDir)} --config ${shellQuote(stored.configPath)}`,
  );
}

/**
 * A few lines for the terminal: the verdict; for a valid run how strong that evidence is
 * (so a pass on a weak run reads as weak); for an invalid run where to look.
 */
export function summarize(options: TestOptions, results: CheckResult, runDir: string): string {
  const verdict = results.valid === true ? 'VALID' : results.valid === false ? 'INVALID' : 'UNKNOWN';
  const lines = [`faultline: ${options.workload} (${options.variant}, seed ${options.seed}): ${verdict}`];
  const evidence = results.valid === true ? evidenceFromResults(results) : undefined;
  if (evidence) {
    lines.push(`  ${describeEvidence(evidence)}`);
    if (evidence.strength === 'weak') lines.push(`    ${describeFigures(evidence)}`);
  }
  if (typeof results.reason === 'string') lines.push(`  ${results.reason}`);
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
  if (typeof r.error === 'string') lines.push(`${indent}  ${r.error}`);
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
