/**
 * `faultline run` arguments → option values, checked by their declarations. Reading is in
 * two steps, because a workload's own options are only known once the workload is: first
 * `prescan` finds the workload (its name, or `--config`), then `parseOptionArgs` reads
 * everything strictly against that workload's option set. Every bad value is one line
 * naming the option, what was given and what is allowed.
 */
import { parseCli } from '../../core/cli-args.js';
import { UsageError } from '../../core/errors.js';
import { backendOptions, type OptionSet } from './catalog.js';
import { RUN_OPTIONS } from './table.js';
import type { OptionSpec } from './spec.js';

interface Prescan {
  /** The positional workload name, if any. */
  workload?: string;
  config?: string;
  help: boolean;
}

/** Flags that take no value, as far as they can be known before the workload is. */
function booleanFlags(): Set<string> {
  return new Set([...RUN_OPTIONS, ...backendOptions()].filter((s) => s.type.arg === undefined).map((s) => s.flag));
}

/**
 * The workload and `--config` from argv, reading every flag not known to be boolean as
 * taking a value (workload options always do), so `--reads serializable` is not taken for
 * a workload called "serializable".
 */
export function prescan(argv: readonly string[]): Prescan {
  const booleans = booleanFlags();
  const out: Prescan = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.workload ??= argv[i + 1];
      break;
    }
    if (a === '-h') out.help = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (name === 'help') out.help = true;
      if (booleans.has(name) || eq >= 0) {
        if (name === 'config') out.config = a.slice(eq + 1);
        continue;
      }
      const value = argv[i + 1];
      if (name === 'config' && value !== undefined) out.config = value;
      i++;
    } else if (!a.startsWith('-') && out.workload === undefined) out.workload = a;
  }
  return out;
}

interface ParsedOptionArgs {
  positionals: string[];
  /** Values given, parsed and checked, by option key. */
  given: Map<string, unknown>;
}

/** Reads argv strictly against `set`: unknown options and bad values are usage errors. */
export function parseOptionArgs(argv: readonly string[], set: OptionSet): ParsedOptionArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const s of set.specs) config[s.flag] = { type: s.type.arg === undefined ? 'boolean' : 'string', ...(s.short ? { short: s.short } : {}) };
  const { values, positionals } = parseCli({ args: [...argv], options: config, allowPositionals: true, strict: true });
  const given = new Map<string, unknown>();
  for (const [flag, raw] of Object.entries(values)) {
    const spec = set.byFlag.get(flag);
    if (!spec || raw === undefined) continue;
    given.set(spec.key, parseValue(spec, raw as string | boolean));
  }
  return { positionals, given };
}

function parseValue(spec: OptionSpec, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  const v = spec.type.parse(raw);
  if (v === undefined) throw new UsageError(`--${spec.flag} must be ${spec.type.expected}, got "${raw}"`);
  return v;
}
