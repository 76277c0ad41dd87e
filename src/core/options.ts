/**
 * Parses and validates `faultline run` options. Every bad value gets one line that names
 * the option, what was given and what is allowed.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
import type { TestOptions } from './test.js';

export const RUN_OPTIONS = {
  variant: { type: 'string' },
  nodes: { type: 'string' },
  concurrency: { type: 'string' },
  'time-limit': { type: 'string' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  nemesis: { type: 'string' },
  'nemesis-interval': { type: 'string' },
  backend: { type: 'string' },
  reads: { type: 'string' },
  'op-timeout': { type: 'string' },
  'recovery-time': { type: 'string' },
  'checker-timeout': { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every `--reads` mode some workload has: etcd linearizable|serializable, zookeeper sync|local. */
export const READ_MODES = ['linearizable', 'serializable', 'sync', 'local'] as const;
export type ReadMode = (typeof READ_MODES)[number];

export function isReadMode(x: string): x is ReadMode {
  return (READ_MODES as readonly string[]).includes(x);
}

export const DEFAULTS = {
  nodes: 5,
  concurrency: 10,
  timeLimit: 30,
  rate: 50,
  nemesis: ['partition', 'kill'],
  nemesisInterval: 5,
  backend: 'local' as const,
  opTimeoutMs: 3000,
  recoveryTime: 3,
  checkerTimeout: 120,
};

export interface ParsedRun {
  workload: string;
  options: Omit<TestOptions, 'variant'> & { variant?: string };
  out: string;
  /** A user's workload file (`--config`). */
  config?: string;
  quiet: boolean;
  help: boolean;
  /**
   * Options the user set rather than left to defaults; a workload may adapt a default
   * (a single-node system, faults it cannot take) but must refuse an explicit value.
   * Absent means every option counts as explicit.
   */
  explicit?: { nodes: boolean; nemesis: boolean; rate: boolean };
}

/** Wraps parseArgs so its errors (unknown option, missing value) become one-line usage errors. */
export function parseCli<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>(config);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '').replace(/\.\s*$/, '');
    throw new UsageError(`${msg}; see --help`);
  }
}

function num(name: string, raw: string | undefined, dflt: number, o: { min: number; max: number; integer?: boolean }): number {
  if (raw === undefined) return dflt;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (o.integer && !Number.isInteger(v)) || v < o.min || v > o.max) {
    throw new UsageError(`--${name} must be ${o.integer ? 'an integer' : 'a number'} from ${o.min} to ${o.max}, got "${raw}"`);
  }
  return v;
}

export function parseRunArgs(argv: string[]): ParsedRun {
  const { values: v, positionals } = parseCli({ args: argv, options: RUN_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError(`expected one workload, got ${positionals.length}: ${positionals.join(' ')}`);
  const backend = v.backend ?? DEFAULTS.backend;
  if (backend !== 'local' && backend !== 'docker') throw new UsageError(`--backend must be local or docker, got "${backend}"`);
  const nemesis = v.nemesis === undefined ? DEFAULTS.nemesis : v.nemesis === 'none' || v.nemesis === '' ? [] : v.nemesis.split(',').map((s) => s.trim());
  const seed = num('seed', v.seed, Math.floor(Math.random() * 2 ** 31), { min: 0, max: 2 ** 53 - 1, integer: true });
  const options: ParsedRun['options'] = {
    workload: positionals[0] ?? '',
    nodes: num('nodes', v.nodes, DEFAULTS.nodes, { min: 1, max: 9, integer: true }),
    concurrency: num('concurrency', v.concurrency, DEFAULTS.concurrency, { min: 1, max: 200, integer: true }),
    timeLimit: num('time-limit', v['time-limit'], DEFAULTS.timeLimit, { min: 1, max: 86_400 }),
    rate: num('rate', v.rate, DEFAULTS.rate, { min: 0.1, max: 10_000 }),
    seed,
    nemesis,
    nemesisInterval: num('nemesis-interval', v['nemesis-interval'], DEFAULTS.nemesisInterval, { min: 0.1, max: 3600 }),
    backend,
    opTimeoutMs: num('op-timeout', v['op-timeout'], DEFAULTS.opTimeoutMs, { min: 10, max: 600_000, integer: true }),
    recoveryTime: num('recovery-time', v['recovery-time'], DEFAULTS.recoveryTime, { min: 0, max: 3600 }),
    checkerTimeout: num('checker-timeout', v['checker-timeout'], DEFAULTS.checkerTimeout, { min: 0.1, max: 86_400 }),
  };
  if (v.variant !== undefined) options.variant = v.variant;
  if (v.reads !== undefined) {
    // Which modes a workload takes is its own to say (Workload.reads), checked in resolveTest.
    if (!isReadMode(v.reads)) throw new UsageError(`--reads must be one of ${READ_MODES.join('|')}, got "${v.reads}"`);
    options.reads = v.reads;
  }
  return {
    workload: options.workload,
    options,
    out: v.out ?? 'reports',
    ...(v.config !== undefined ? { config: v.config } : {}),
    quiet: v.quiet ?? false,
    help: v.help ?? false,
    explicit: { nodes: v.nodes !== undefined, nemesis: v.nemesis !== undefined, rate: v.rate !== undefined },
  };
}
