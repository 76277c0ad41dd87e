/**
 * saga and saga-choreography end to end on the local backend (root needed): each naive
 * variant is caught leaving partial or doubled effects, each careful one passes.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-saga');
afterAll(() => rmSync(out, { recursive: true, force: true }));

const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '2', '--quiet', '--out', out];

const results = (stderr: string) => JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'));

for (const workload of ['saga', 'saga-choreography']) {
  describe(`${workload} workload end to end`, () => {
    it('careful: every saga completed or compensated, exit 0', async () => {
      const r = await cli(['run', workload, '--variant', 'careful', '--seed', '3', ...short, '--nemesis', 'partition,kill,pause']);
      expect(r.code, r.stderr).toBe(0);
      const saga = results(r.stderr).saga;
      expect(saga.valid).toBe(true);
      expect(saga.outcomes.completed).toBeGreaterThan(5);
      expect(saga.outcomes.compensated).toBeGreaterThan(5);
    });

    it('naive: caught, exit 1, the broken invariant and saga ids named', async () => {
      // Crashes and pauses in the middle of sagas are what breaks them; partitions mostly
      // refuse new connections, which even the naive variant handles.
      const r = await cli(['run', workload, '--variant', 'naive', '--seed', '4', ...short, '--nemesis', 'kill,pause']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/saga: INVALID/);
      const saga = results(r.stderr).saga;
      const [kind, list] = Object.entries(saga.errors as Record<string, Array<{ message: string }>>)[0]!;
      expect(r.stderr).toContain(kind);
      expect(list[0]!.message).toMatch(/saga s[0-9a-z]{10}/);
    });
  });
}
