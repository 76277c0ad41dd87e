/**
 * `faultline check --format <f> [--model <m>] FILE`: judges a history another tool
 * recorded, prints a verdict like a run's summary, optionally writes results.json, and
 * answers the exit code (0 valid, 1 invalid, 2 unknown).
 */
import { writeFileSync } from 'node:fs';
import type { Validity } from '../checker.js';
import { FaultlineError, UsageError } from '../../core/errors.js';
import { toJson } from '../../core/exact-json.js';
import { checkLinearizable, models, modelByName, type LinearizabilityResult } from '../linearizability/index.js';
import { importHistoryFile, type Format } from './index.js';
import { checkListAppend, type ListAppendResult } from '../txn/list-append.js';
import { CONSISTENCY_MODELS, isConsistencyModel } from '../txn/consistency-models.js';

export interface CheckFileOptions {
  file: string;
  format: Format;
  /** Model name; defaults to the one the format implies. */
  model?: string;
  /** For --model list-append: the consistency model to check against [serializable]. */
  consistencyModel?: string;
  timeoutMs?: number;
  full?: boolean;
  /** Where to write results.json, if anywhere. */
  out?: string;
}

export interface CheckFileOutcome {
  valid: Validity;
  exitCode: number;
  results: Record<string, unknown>;
}

/** Not a linearizability model: transactions checked for isolation anomalies (Elle's list-append). */
const LIST_APPEND = 'list-append';
const modelNames = () => [...models.keys(), LIST_APPEND].join(', ');

export async function checkFile(opts: CheckFileOptions, out: NodeJS.WritableStream = process.stderr): Promise<CheckFileOutcome> {
  const modelName = opts.model ?? opts.format.model;
  if (modelName === undefined) throw new UsageError(`--model is required for --format ${opts.format.name}; models: ${modelNames()}`);
  if (modelName === LIST_APPEND) return checkListAppendFile(opts, out);
  if (opts.consistencyModel !== undefined) throw new UsageError(`--consistency-model applies to transactions (--model ${LIST_APPEND}), not to --model ${modelName}`);
  if (!models.has(modelName)) throw new UsageError(`unknown --model "${modelName}"; models: ${modelNames()}`);
  const model = modelByName(modelName);
  const { ops, truncated } = importHistoryFile(opts.file, opts.format);
  const started = Date.now();
  let lin: LinearizabilityResult;
  try {
    const o: Parameters<typeof checkLinearizable>[2] = {};
    if (opts.timeoutMs !== undefined) o.timeoutMs = opts.timeoutMs;
    if (opts.full !== undefined) o.full = opts.full;
    lin = await checkLinearizable(ops, model, o);
  } catch (e) {
    if (e instanceof FaultlineError) throw e;
    // The model met an op it cannot interpret: the history does not fit the model.
    throw new UsageError(`${opts.file}: does not fit model ${modelName}: ${(e as Error).message}`);
  }
  const results = {
    valid: lin.valid,
    file: opts.file,
    format: opts.format.name,
    model: modelName,
    historyOps: ops.length,
    truncated,
    checkedAt: new Date().toISOString(),
    checkMs: Date.now() - started,
    linearizability: lin,
  };
  writeResults(opts.out, results);
  out.write(summarizeFile(results, lin, opts.out) + '\n');
  return { valid: lin.valid, exitCode: lin.valid === true ? 0 : lin.valid === false ? 1 : 2, results };
}

function writeResults(path: string | undefined, results: unknown): void {
  if (path === undefined) return;
  try {
    writeFileSync(path, toJson(results, 2) + '\n');
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** A history of `txn` ops (Jepsen's list-append workload, or ours) judged for anomalies. */
async function checkListAppendFile(opts: CheckFileOptions, out: NodeJS.WritableStream): Promise<CheckFileOutcome> {
  const cm = opts.consistencyModel;
  if (cm !== undefined && !isConsistencyModel(cm)) throw new UsageError(`--consistency-model must be one of ${CONSISTENCY_MODELS.join(', ')}, got "${cm}"`);
  const { ops, truncated } = importHistoryFile(opts.file, opts.format);
  const started = Date.now();
  let la: ListAppendResult;
  try {
    la = checkListAppend(ops, cm !== undefined ? { consistencyModel: cm } : {});
  } catch (e) {
    throw new UsageError(`${opts.file}: does not fit model ${LIST_APPEND}: ${(e as Error).message}`);
  }
  const results = { valid: la.valid, file: opts.file, format: opts.format.name, model: LIST_APPEND, historyOps: ops.length, truncated, checkedAt: new Date().toISOString(), checkMs: Date.now() - started, [LIST_APPEND]: la };
  writeResults(opts.out, results);
  const word = la.valid === true ? 'VALID' : la.valid === false ? 'INVALID' : 'UNKNOWN';
  const lines = [`faultline: ${opts.file} (${opts.format.name}, model ${LIST_APPEND}, consistency model ${la.consistencyModel}): ${word}`];
  lines.push(`  ${LIST_APPEND}: ${la.valid === true ? 'valid' : word} (${la.txnCount} transactions, ${la.edgeCount} dependencies)`);
  lines.push(`    anomalies: ${la.anomalyTypes.join(', ') || 'none'}${la.forbiddenAnomalyTypes.length ? `; ${la.consistencyModel} forbids ${la.forbiddenAnomalyTypes.join(', ')}` : ''}`);
  lines.push(`    models ruled out: ${la.modelsRuledOut.join(', ') || 'none'}`);
  lines.push(`    strongest models still consistent: ${la.strongestConsistentModels.join(', ') || 'none'}${la.undecidedModels.length ? `; undecided: ${la.undecidedModels.join(', ')}` : ''}`);
  for (const m of la.messages.slice(0, 5)) lines.push(`    ${m}`);
  if (truncated) lines.push('  note: the history ended in a partial line (a crashed run); it was dropped');
  if (opts.out !== undefined) lines.push(`  results: ${opts.out}`);
  out.write(lines.join('\n') + '\n');
  return { valid: la.valid, exitCode: la.valid === true ? 0 : la.valid === false ? 1 : 2, results };
}

/** The verdict in the shape of a run's summary (core/check-run.ts). */
export function summarizeFile(r: { file: string; format: string; model: string; truncated: boolean }, lin: LinearizabilityResult, outPath?: string): string {
  const word = (v: Validity, upper: boolean): string => (v === true ? (upper ? 'VALID' : 'valid') : v === false ? 'INVALID' : upper ? 'UNKNOWN' : 'unknown');
  const lines = [`faultline: ${r.file} (${r.format}, model ${r.model}): ${word(lin.valid, true)}`];
  const decided = lin.partitions.filter((p) => p.valid !== 'unknown').length;
  lines.push(`  linearizability: ${word(lin.valid, false)} (${lin.opCount} ops, ${decided}/${lin.partitions.length} key(s) decided in ${lin.elapsedMs} ms)`);
  const shown = lin.partitions.filter((p) => p.valid !== true && p.reason !== 'skipped');
  for (const p of shown.slice(0, 5)) {
    lines.push(`    key ${p.key}: ${p.valid === false ? (p.explanation?.message ?? 'not linearizable') : `unknown (${p.reason ?? 'budget'})`}`);
  }
  if (shown.length > 5) lines.push(`    (${shown.length - 5} more undecided or invalid key(s) in the results)`);
  const skipped = lin.partitions.filter((p) => p.reason === 'skipped').length;
  if (skipped > 0) lines.push(`    (${skipped} other key(s) not checked after the first violation; --full checks them all)`);
  if (r.truncated) lines.push('  note: the history ended in a partial line (a crashed run); it was dropped');
  if (outPath !== undefined) lines.push(`  results: ${outPath}`);
  return lines.join('\n');
}
