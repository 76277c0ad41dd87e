/**
 * The nemesis contract (DESIGN.md "Nemesis"): faults are ops like any other — the
 * generator decides what and when (so a seed reproduces the schedule), the nemesis only
 * carries them out. Teardown always heals.
 */
import type { TestRuntime } from '../cluster/test-runtime.js';

export interface FaultOp {
  f: string;
  value: unknown;
}

export interface FaultResult {
  type: 'ok' | 'info';
  /** What was actually done (e.g. the grudge applied, the nodes killed). */
  value: unknown;
  error?: string;
}

export interface Nemesis {
  /** The fault functions this nemesis handles, e.g. ["start-partition", "stop-partition"]. */
  readonly fs: readonly string[];
  setup(test: TestRuntime): Promise<void>;
  invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult>;
  /** Undoes every fault still in force: no rule, pause or dead node outlives a run. */
  teardown(test: TestRuntime): Promise<void>;
}

/** Routes each fault op to the nemesis that handles its `f`. */
export function composeNemeses(parts: readonly Nemesis[]): Nemesis {
  const byF = new Map<string, Nemesis>();
  for (const p of parts) for (const f of p.fs) byF.set(f, p);
  return {
    fs: [...byF.keys()],
    async setup(test) {
      for (const p of parts) await p.setup(test);
    },
    async invoke(test, op) {
      const p = byF.get(op.f);
      if (!p) return { type: 'info', value: op.value, error: `no nemesis handles ${op.f}` };
      return p.invoke(test, op);
    },
    async teardown(test) {
      // Heal everything even if one part fails; report the first failure afterwards.
      let first: unknown;
      for (const p of parts) {
        try {
          await p.teardown(test);
        } catch (e) {
          first ??= e;
        }
      }
      if (first) throw first;
    },
  };
}
