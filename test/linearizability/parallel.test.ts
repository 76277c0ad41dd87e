/**
 * Hard partitions on worker threads. Workers run compiled JavaScript, so these tests use
 * the build in dist/ (the suite's global setup compiles it) and are skipped without it.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../src/core/op.js';
import type * as Lin from '../../src/checkers/linearizability/index.js';

const built = new URL('../../dist/src/checkers/linearizability/index.js', import.meta.url);
const haveBuild = existsSync(new URL('../../dist/src/checkers/linearizability/search-worker.js', import.meta.url));
const load = async (): Promise<typeof Lin> => (await import(built.href)) as typeof Lin;

/**
 * Per key: `writes` concurrent writes of distinct values, then a cas that can only apply
 * if `solvable` (it expects the last value written). 2^writes * writes configurations
 * to exhaust when it cannot: hard enough to outlast the first in-thread round.
 */
function hardKeys(keys: readonly string[], writes: number, solvable: (key: string) => boolean): Op[] {
  const ops: Op[] = [];
  const add = (o: Omit<Op, 'index' | 'time'>): void => {
    ops.push({ ...o, index: ops.length, time: ops.length });
  };
  keys.forEach((key, k) => {
    const base = k * 100;
    for (let p = 0; p < writes; p++) add({ type: 'invoke', process: base + p, f: 'write', value: [key, p] });
    for (let p = 0; p < writes; p++) add({ type: 'ok', process: base + p, f: 'write', value: [key, p] });
    const cas = [key, [solvable(key) ? writes - 1 : 'never written', 0]];
    add({ type: 'invoke', process: base + 99, f: 'cas', value: cas });
    add({ type: 'ok', process: base + 99, f: 'cas', value: cas });
  });
  return ops;
}

describe.skipIf(!haveBuild)('partitions on worker threads', () => {
  it('decides hard keys in workers with the same verdicts as in-thread', async () => {
    const { checkLinearizable, multiRegister } = await load();
    const history = hardKeys(['a', 'b', 'c'], 14, (k) => k !== 'b');
    const inThread = await checkLinearizable(history, multiRegister, { full: true, workers: false });
    const parallel = await checkLinearizable(history, multiRegister, { full: true });
    const verdicts = (r: Lin.LinearizabilityResult): unknown[] => r.partitions.map((p) => [p.key, p.valid]);
    expect(verdicts(inThread)).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
    expect(verdicts(parallel)).toEqual(verdicts(inThread));
    expect(parallel.partitions[1]?.explanation?.message).toMatch(/not linearizable/);
  });

  it('stops the other workers at the first invalid key unless full', async () => {
    const { checkLinearizable, multiRegister } = await load();
    const history = hardKeys(['a', 'b', 'c'], 14, () => false);
    const r = await checkLinearizable(history, multiRegister);
    expect(r.valid).toBe(false);
    expect(r.invalidKeys.length).toBeGreaterThanOrEqual(1);
    for (const p of r.partitions.filter((x) => x.valid !== false)) expect(p.reason).toBe('skipped');
  });

  it('keeps the deadline: workers past it are stopped and their keys are unknown', async () => {
    const { checkLinearizable, multiRegister } = await load();
    const history = hardKeys(['a', 'b', 'c'], 22, () => false);
    // Each key needs far longer than 500 ms; 'timeout' on all three shows the deadline
    // stopped them (a finished search would say true or false).
    const r = await checkLinearizable(history, multiRegister, { full: true, timeoutMs: 500 });
    expect(r.partitions.map((p) => [p.valid, p.reason])).toEqual([
      ['unknown', 'timeout'],
      ['unknown', 'timeout'],
      ['unknown', 'timeout'],
    ]);
  });
});
