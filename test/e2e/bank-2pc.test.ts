/**
 * bank-2pc end to end on the local backend (root needed, as for the register e2e test):
 * the naive two-phase commit is caught, the careful one passes.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-bank-2pc');
afterAll(() => rmSync(out, { recursive: true, force: true }));

const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '2', '--quiet', '--out', out];

const results = (stderr: string) => JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'));

describe('bank-2pc workload end to end', () => {
  it('careful: money conserved, every transfer atomic, exit 0', async () => {
    const r = await cli(['run', 'bank-2pc', '--variant', 'careful', '--seed', '3', ...short]);
    expect(r.code, r.stderr).toBe(0);
    const bank = results(r.stderr).bank;
    expect(bank.valid).toBe(true);
    expect(bank.transfers.ok).toBeGreaterThan(20);
    expect(bank.final.total).toBe(bank.expectedTotal);
  });

  it('naive: caught, exit 1, the broken invariant and transfer ids named', async () => {
    const r = await cli(['run', 'bank-2pc', '--variant', 'naive', '--seed', '4', ...short]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/bank: INVALID/);
    const bank = results(r.stderr).bank;
    expect(bank.valid).toBe(false);
    const [kind, list] = Object.entries(bank.errors as Record<string, Array<{ message: string }>>)[0]!;
    expect(r.stderr).toContain(kind);
    expect(list[0]!.message).toMatch(/\bt[0-9a-z]{10}\b/);
  });
});
