/**
 * One run option, declared once: its flag, its value type (and bounds), its default, its
 * help text, whether a replay must repeat it, and where it applies. The parser, the usage
 * text, the library API's defaults, the README's options table and the replay command are
 * all made from these declarations (table.ts lists the options every run has).
 *
 * A workload declares its own options in its `options` list; a backend in its entry in
 * backends.ts. Declaring one:
 *
 *   export const reads = defineOption({
 *     key: 'reads', flag: 'reads', type: choice(['linearizable', 'serializable'] as const),
 *     default: 'linearizable', replay: true,
 *     help: 'quorum reads, or serializable reads from the member\'s local state (may be stale)',
 *   });
 *   // in the workload: options: [reads], build(opts) { … new EtcdClient(reads.get(opts)) … }
 *
 * The same flag may mean different things to different workloads (`--reads sync|local` for
 * another one): each workload's declaration is checked only for that workload. A default
 * may depend on the workload and variant (`default: ({ variant }) => …`). Workload options
 * take a value (`--flag v`), so the command line can be read before the workload is known.
 */
import type { TestOptions } from '../../core/test.js';

/** How a value is written on the command line and checked, from a string or from code. */
export interface OptionType<T> {
  /** What the help shows after the flag, e.g. "<n>", "local|docker"; undefined for a boolean flag. */
  readonly arg: string | undefined;
  /** What a valid value is, for error messages and docs: "an integer from 1 to 9". */
  readonly expected: string;
  /** The value of a command-line string, or undefined when it is not valid. */
  parse(raw: string): T | undefined;
  /** A value given from code or read from test.json, or undefined when it is not valid. */
  accept(value: unknown): T | undefined;
  /** The command-line words after the flag for a replay; undefined leaves the flag out. */
  format(value: T): string[] | undefined;
}

/** What a default may depend on. */
export interface DefaultContext {
  workload: string;
  variant: string;
  variants: readonly string[];
}

export interface OptionSpec<T = unknown> {
  /** The key in TestOptions (and test.json's options): "timeLimit". */
  readonly key: string;
  /** The command-line flag without dashes: "time-limit". */
  readonly flag: string;
  /** A one-letter alias ("h" for --help). */
  readonly short?: string;
  /** What the help shows for the value, when not the type's own ("<s>", "<hz>"). */
  readonly arg?: string;
  readonly type: OptionType<T>;
  /** The value when not given; a function when it depends on the workload or variant. Absent: the option is left out. */
  readonly default?: T | ((c: DefaultContext) => T);
  /** How the docs show the default when it is not a plain value ("random, printed"). */
  readonly defaultText?: string;
  readonly help: string;
  /** Whether a replay must repeat it: it changes what the test does. */
  readonly replay: boolean;
  /** `run`: a setting of this invocation (where output goes), not part of the test's options. */
  readonly scope?: 'test' | 'run';
  /** Only with these backends (a backend's own options). */
  readonly backends?: readonly string[];
}

/** A declared option, with a typed reader for the value a resolved test carries. */
export interface DeclaredOption<T> extends OptionSpec<T> {
  get(opts: TestOptions): T;
}

export function defineOption<T>(spec: OptionSpec<T>): DeclaredOption<T> {
  return {
    ...spec,
    get(opts) {
      const v = (opts as unknown as Readonly<Record<string, unknown>>)[spec.key];
      const accepted = v === undefined ? undefined : spec.type.accept(v);
      if (accepted !== undefined) return accepted;
      if (spec.default !== undefined && typeof spec.default !== 'function') return spec.default;
      throw new Error(`option ${spec.key} has no value in these options (was the test resolved with it?)`);
    },
  };
}

/** The value a spec gives when the option is not set (undefined: leave it out). */
export function defaultOf<T>(spec: OptionSpec<T>, c: DefaultContext): T | undefined {
  const d = spec.default;
  return typeof d === 'function' ? (d as (c: DefaultContext) => T)(c) : d;
}

/** What the help shows after the flag. */
export function argOf(spec: OptionSpec): string | undefined {
  return spec.arg ?? spec.type.arg;
}

// ---- value types ------------------------------------------------------------------------

function numeric(integer: boolean, min: number, max: number): OptionType<number> {
  const expected = `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
  const ok = (v: number) => Number.isFinite(v) && (!integer || Number.isInteger(v)) && v >= min && v <= max;
  return {
    arg: '<n>',
    expected,
    parse: (raw) => (raw.trim() !== '' && ok(Number(raw)) ? Number(raw) : undefined),
    accept: (v) => (typeof v === 'number' && ok(v) ? v : undefined),
    format: (v) => [String(v)],
  };
}

export const integer = (min: number, max: number): OptionType<number> => numeric(true, min, max);
export const decimal = (min: number, max: number): OptionType<number> => numeric(false, min, max);

export function choice<const C extends string>(values: readonly C[]): OptionType<C> {
  const is = (v: unknown): v is C => typeof v === 'string' && values.includes(v as C);
  return {
    arg: values.join('|'),
    expected: `one of ${values.join(', ')}`,
    parse: (raw) => (is(raw) ? raw : undefined),
    accept: (v) => (is(v) ? v : undefined),
    format: (v) => [v],
  };
}

/** A comma-separated list of names, `none` for the empty list (names are checked where they are known). */
export function nameList(): OptionType<string[]> {
  const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[a-z0-9-]+$/.test(x));
  return {
    arg: '<a,b|none>',
    expected: 'a comma-separated list of names, or none',
    parse: (raw) => {
      const names = raw === 'none' || raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim());
      return isNames(names) ? names : undefined;
    },
    accept: (v) => (isNames(v) ? [...v] : undefined),
    format: (v) => [v.length ? v.join(',') : 'none'],
  };
}

/** A boolean flag: present means true; a replay writes it only when true. */
export function flag(): OptionType<boolean> {
  return {
    arg: undefined,
    expected: 'true or false',
    parse: () => true,
    accept: (v) => (typeof v === 'boolean' ? v : undefined),
    format: (v) => (v ? [] : undefined),
  };
}

/** Free text (a path, a name): any non-empty string. */
export function text(arg = '<text>'): OptionType<string> {
  const ok = (v: unknown): v is string => typeof v === 'string' && v !== '';
  return { arg, expected: 'a non-empty string', parse: (raw) => (ok(raw) ? raw : undefined), accept: (v) => (ok(v) ? v : undefined), format: (v) => [v] };
}
