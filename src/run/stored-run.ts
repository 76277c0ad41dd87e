/**
 * A run directory's test.json, read as data for `faultline check` and `faultline replay`:
 * anything missing or malformed is one usage error (exit 4) naming the file, and nothing
 * in it is ever taken as code to load — a workload file named in it is only a hint of
 * which `--config` the user may pass.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { runFiles } from '../core/run-dir.js';
import type { TestOptions } from '../core/test.js';
import type { OptionSet } from './options/catalog.js';
import { defaultOf } from './options/spec.js';

interface StoredTest {
  path: string;
  /** The options as recorded (checked against the run options' declarations). */
  options: TestOptions;
  /** The workload file the run used, if it used one. */
  configPath?: string;
  /** The checker as data (checkers/spec.ts), when the run could record one. */
  checker?: unknown;
  /** The faults as they ran. */
  schedule?: { at: number; f: string; value: unknown; type: string }[];
}

export function readStoredTest(runDir: string): StoredTest {
  const path = runFiles.test(runDir);
  if (!existsSync(path)) throw new UsageError(`${runDir} is not a run directory (no test.json); pass a directory under reports/<workload>/`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]}); was the run directory damaged?`);
  }
  const o = (typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>;
  const options = o.options;
  if (typeof options !== 'object' || options === null || Array.isArray(options) || typeof (options as Record<string, unknown>).workload !== 'string') {
    throw new UsageError(`${path}: no options.workload; was it written by faultline run?`);
  }
  if (o.configPath !== undefined && typeof o.configPath !== 'string') throw new UsageError(`${path}: configPath must be a path`);
  if (o.schedule !== undefined && !isSchedule(o.schedule)) throw new UsageError(`${path}: schedule must be a list of {at, f, value, type}`);
  return {
    path,
    options: options as TestOptions,
    ...(o.configPath !== undefined ? { configPath: o.configPath as string } : {}),
    ...(o.checker !== undefined ? { checker: o.checker } : {}),
    ...(o.schedule !== undefined ? { schedule: o.schedule as StoredTest['schedule'] } : {}),
  };
}

function isSchedule(x: unknown): boolean {
  return Array.isArray(x) && x.every((s) => typeof s === 'object' && s !== null && typeof (s as { f?: unknown }).f === 'string' && typeof (s as { type?: unknown }).type === 'string');
}

/**
 * The recorded options checked against `set` (a bad value is a usage error naming it),
 * with declared defaults for what an older run did not record (a default that depends on
 * the variant is taken for the recorded variant).
 */
export function checkedOptions(stored: StoredTest, set: OptionSet): TestOptions {
  const raw = stored.options as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...raw };
  for (const spec of set.specs) {
    if (spec.scope === 'run') continue;
    const v = raw[spec.key];
    if (v === undefined) {
      const variant = typeof raw.variant === 'string' ? raw.variant : undefined;
      if (typeof spec.default === 'function') {
        if (variant !== undefined) out[spec.key] = defaultOf(spec, { workload: String(raw.workload), variant, variants: [variant] });
      } else if (spec.default !== undefined) out[spec.key] = spec.default;
      continue;
    }
    const accepted = spec.type.accept(v);
    if (accepted === undefined) throw new UsageError(`${stored.path}: options.${spec.key} must be ${spec.type.expected}, got ${JSON.stringify(v)}`);
    out[spec.key] = accepted;
  }
  return out as unknown as TestOptions;
}
