/**
 * What was asked for, before defaults: the workload (loaded) and the option values given,
 * checked against their declarations. The CLI makes one from argv, the library API and
 * `faultline replay` from an object; `resolveTest` turns either into the one resolved test.
 */
import { UsageError } from '../core/errors.js';
import type { ScheduledFault } from '../core/test.js';
import { kindsOf } from '../nemesis/registry.js';
import { optionsFor } from './options/catalog.js';
import { parseOptionArgs, prescan } from './options/parse.js';
import { optionsUsage } from './options/usage.js';
import { builtinWorkloads, loadWorkload } from './workloads.js';
import type { Workload } from './workload.js';

export interface RunRequest {
  workload: Workload;
  /** Test option values given (not defaults), checked, by key. */
  given: ReadonlyMap<string, unknown>;
  /** Output root. */
  out: string;
  quiet: boolean;
  /** Faults given in advance instead of the nemesis' own draw. */
  schedule?: ScheduledFault[];
}

/** `faultline run …`: the request, or the help text when asked for it. */
export async function requestFromArgs(argv: readonly string[]): Promise<{ request: RunRequest } | { help: string }> {
  const pre = prescan(argv);
  if (pre.help) {
    const named = pre.workload !== undefined || pre.config !== undefined ? [await loadWorkload(pre.workload ?? '', pre.config !== undefined ? { config: pre.config } : {})] : await builtinWorkloads();
    return { help: `run options:\n${optionsUsage(named)}` };
  }
  if (pre.workload === undefined && pre.config === undefined) throw new UsageError('no workload given: faultline run <workload> (e.g. register), or --config <file>');
  const workload = await loadWorkload(pre.workload ?? '', pre.config !== undefined ? { config: pre.config } : {});
  const set = optionsFor(workload);
  let parsed;
  try {
    parsed = parseOptionArgs(argv, set);
  } catch (e) {
    throw await explainForeignOption(e, workload);
  }
  if (parsed.positionals.length > 1) throw new UsageError(`expected one workload, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  return { request: requestOf(workload, parsed.given) };
}

/** An option another workload declares, given to this one: say whose it is. */
async function explainForeignOption(e: unknown, workload: Workload): Promise<unknown> {
  const m = e instanceof UsageError ? /^Unknown option '--([^']+)'/.exec(e.message) : null;
  if (!m) return e;
  const owners = (await builtinWorkloads()).filter((w) => w.options?.some((o) => o.flag === m[1]));
  if (owners.length === 0) return e;
  return new UsageError(`--${m[1]} is an option of ${owners.map((w) => w.name).join(', ')}, not of ${workload.name}; see faultline run ${workload.name} --help`);
}

function requestOf(workload: Workload, given: ReadonlyMap<string, unknown>): RunRequest {
  const set = optionsFor(workload);
  const test = new Map([...given].filter(([key]) => set.byKey.get(key)?.scope !== 'run'));
  return { workload, given: test, out: (given.get('out') as string | undefined) ?? 'reports', quiet: given.get('quiet') === true };
}

/** What the library API and `faultline replay` pass: options by key, as values. */
export interface RequestObject {
  /** A built-in workload, or one of yours with `config`. */
  workload?: string;
  /** Path of a workload file (faultline.config.ts). */
  config?: string;
  /**
   * Faults to inject instead of the nemesis' own draw (e.g. from `faultSchedule()`).
   * The fault kinds they need are enabled automatically.
   */
  schedule?: readonly ScheduledFault[];
  /** Output root (default "reports"). */
  out?: string;
  /** Print the progress and the verdict to stderr (default false). */
  verbose?: boolean;
  /** Every other key is an option by its key (nodes, timeLimit, …, or one the workload declares). */
  [option: string]: unknown;
}

export async function requestFromObject(o: RequestObject): Promise<RunRequest> {
  const { workload: name, config, schedule, out, verbose, ...values } = o;
  const workload = await loadWorkload(name ?? '', config !== undefined ? { config } : {});
  const set = optionsFor(workload);
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const spec = set.byKey.get(key);
    if (!spec || spec.scope === 'run') {
      throw new UsageError(`unknown option "${key}" for ${workload.name}; options: ${set.specs.filter((s) => s.scope !== 'run').map((s) => s.key).join(', ')}`);
    }
    const v = spec.type.accept(value);
    if (v === undefined) throw new UsageError(`option ${key} (--${spec.flag}) must be ${spec.type.expected}, got ${JSON.stringify(value) ?? String(value)}`);
    given.set(key, v);
  }
  if (!schedule) return { workload, given, out: out ?? 'reports', quiet: verbose !== true };
  // The kinds the schedule needs replace the nemesis' own choice.
  given.set('nemesis', kindsOf(schedule));
  return { workload, given, out: out ?? 'reports', quiet: verbose !== true, schedule: schedule.map((s) => ({ at: s.at, f: s.f, value: s.value })) };
}
