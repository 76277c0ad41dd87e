/**
 * The command that runs a test again with the same options (test.json's `replay`, the
 * report's replay line): every option whose declaration says a replay must repeat it, in
 * table order, each argument quoted for a POSIX shell so a pasted command runs exactly
 * what it shows (a path like `$(…)` stays text).
 */
import type { TestOptions } from '../../core/test.js';
import type { OptionSet } from './catalog.js';

/** One argument quoted for sh: bare when it is only safe characters, else single-quoted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The `faultline run` arguments that repeat `options` (and the workload file, if any). */
function replayArgs(options: TestOptions, set: OptionSet, configPath?: string): string[] {
  const values = options as unknown as Readonly<Record<string, unknown>>;
  const args = configPath === undefined ? [options.workload] : [];
  for (const spec of set.specs) {
    if (!spec.replay) continue;
    const value = spec.key === 'config' ? configPath : values[spec.key];
    if (value === undefined) continue;
    const words = spec.type.format(value);
    if (words === undefined) continue;
    // A value starting with "-" would read as an option: attach it to its flag.
    if (words.length === 1 && words[0]!.startsWith('-')) args.push(`--${spec.flag}=${words[0]}`);
    else args.push(`--${spec.flag}`, ...words);
  }
  return args;
}

export function replayCommand(options: TestOptions, set: OptionSet, configPath?: string): string {
  return ['npx', 'faultline', 'run', ...replayArgs(options, set, configPath)].map(shellQuote).join(' ');
}
