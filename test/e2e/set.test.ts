/**
 * Real runs of the gossip store's `set` and `session` workloads: 5 node processes in
 * network namespaces, partitions, crashes and clock skew, the real CLI. Needs root.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-gossip-set');
afterAll(() => { if (!process.env['KEEP_E2E']) rmSync(out, { recursive: true, force: true }); });

const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];
const results = (stderr: string) => JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'));

describe('set workload end to end', () => {
  it('careful: valid under partitions, kills and clock skew; every replica converged', async () => {
    const r = await cli(['run', 'set', '--variant', 'careful', '--seed', '21', '--nemesis', 'partition,kill,clock', ...short]);
    expect(r.code, r.stderr).toBe(0);
    const e = results(r.stderr).eventual;
    expect(e.set.lostCount).toBe(0);
    expect(e.set.acknowledged).toBeGreaterThan(50);
    expect(Object.values(e.convergence.replicas as Record<string, { converged: boolean }>).every((x) => x.converged)).toBe(true);
  });

  it('naive: lost elements named, replicas diverge, exit 1', async () => {
    const r = await cli(['run', 'set', '--variant', 'naive', '--seed', '22', '--nemesis', 'partition', ...short]);
    expect(r.code, r.stderr).toBe(1);
    const e = results(r.stderr).eventual;
    expect(e.valid).toBe(false);
    expect(e.set.lostCount).toBeGreaterThan(0);
    expect(e.set.lost[0].element).toMatch(/^e[0-9a-z]+$/);
    expect(e.set.messages[0]).toMatch(/lost element\(s\): e[0-9a-z]+ \(missing on n\d/);
  });
});

describe('session workload end to end', () => {
  it('careful with tokens keeps every session guarantee while sessions roam', async () => {
    const r = await cli(['run', 'session', '--variant', 'careful', '--seed', '23', '--nemesis', 'partition', ...short]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('roaming without tokens violates read-your-writes or monotonic reads, with the two ops', async () => {
    const r = await cli(['run', 'session', '--variant', 'careful-no-tokens', '--seed', '23', '--nemesis', 'partition', ...short]);
    expect(r.code, r.stderr).toBe(1);
    const s = results(r.stderr).session;
    const ryw = s['read-your-writes'].count + s['monotonic-reads'].count;
    expect(ryw).toBeGreaterThan(0);
    const v = [...s['read-your-writes'].violations, ...s['monotonic-reads'].violations][0];
    expect(v.ops).toHaveLength(2);
    expect(v.ops[1].f).toBe('read');
  });
});
