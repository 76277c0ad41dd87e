/** Real runs of the gossip store's `counter` workload (see set.test.ts). Needs root. */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-gossip-counter');
afterAll(() => { if (!process.env['KEEP_E2E']) rmSync(out, { recursive: true, force: true }); });

const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];
const results = (stderr: string) => JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'));

describe('counter workload end to end', () => {
  it('careful: every read explainable, final value exact on every node', async () => {
    const r = await cli(['run', 'counter', '--variant', 'careful', '--seed', '31', '--nemesis', 'partition,kill,clock', ...short]);
    expect(r.code, r.stderr).toBe(0);
    const c = results(r.stderr).eventual.counter;
    expect(new Set(Object.values(c.finalValues)).size).toBe(1);
  });

  it('naive: final values short of the acknowledged sum, exit 1', async () => {
    const r = await cli(['run', 'counter', '--variant', 'naive', '--seed', '32', '--nemesis', 'partition', ...short]);
    expect(r.code, r.stderr).toBe(1);
    const c = results(r.stderr).eventual.counter;
    expect(c.wrongFinal.length).toBeGreaterThan(0);
    expect(c.messages[0]).toMatch(/final value on n\d is -?\d+; acknowledged adds sum to -?\d+/);
  });
});
