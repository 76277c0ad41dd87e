/**
 * The options a run of one workload takes: the run options every run has (table.ts), the
 * backends' own, and the workload's own. Looked up in Maps, so an option called
 * `__proto__` or `toString` is an unknown option like any other.
 */
import { BACKENDS } from '../backends.js';
import type { Workload } from '../workload.js';
import type { OptionSpec } from './spec.js';
import { RUN_OPTIONS } from './table.js';

export interface OptionSet {
  /** In help order: run options, backend options, the workload's. */
  readonly specs: readonly OptionSpec[];
  readonly byKey: ReadonlyMap<string, OptionSpec>;
  readonly byFlag: ReadonlyMap<string, OptionSpec>;
}

/** Every backend's options, marked with the backend they belong to. */
export function backendOptions(): OptionSpec[] {
  return BACKENDS.flatMap((b) => b.options.map((o) => ({ ...o, backends: o.backends ?? [b.name] })));
}

export function optionsFor(workload?: Pick<Workload, 'name' | 'options'>): OptionSet {
  const specs: OptionSpec[] = [...RUN_OPTIONS, ...backendOptions(), ...(workload?.options ?? [])];
  const byKey = new Map<string, OptionSpec>();
  const byFlag = new Map<string, OptionSpec>();
  for (const s of specs) {
    // A declaration error in the code, not bad input: say where it is.
    if (byKey.has(s.key) || byFlag.has(s.flag)) throw new Error(`option --${s.flag} (${s.key}) of ${workload?.name ?? 'the run'} is declared twice`);
    byKey.set(s.key, s);
    byFlag.set(s.flag, s);
  }
  return { specs, byKey, byFlag };
}
