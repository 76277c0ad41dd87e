/**
 * The bug zoo (examples/zoo/): every bug flag caught on one seed in a short run, and every
 * service's correct mode VALID once. A seed fixes the fault schedule (which fault, which
 * nodes, when) and the op mix, not the timing of ops against faults on a loaded machine, so
 * each bug runs with the fault kind it needs, often, on a seed whose schedule gives it the
 * fault shape it needs.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-zoo');
afterAll(() => {
  if (!process.env.ZOO_KEEP) rmSync(out, { recursive: true, force: true });
});
const short = ['--time-limit', '15', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];

interface Case {
  service: string;
  variant: string;
  seed: number;
  args?: readonly string[];
  /** What the results must show: the checker that failed and, for list-append, the anomaly. */
  expect: { checker: string; anomalies?: readonly string[] };
}

const config = (service: string) => `examples/zoo/${service}/faultline.config.ts`;
const clock = ['--nemesis', 'partition,kill,clock'];

// Each bug is run with the fault kind it needs, several faults per run: a run of the
// defaults (30 s, partition and kill mixed, a fault every 10 s) catches them less often,
// as `npm run bench:detect` measures.
// Seed 12's partitions (every 4 s) cut off one replica twice, then a one-way partition.
const partition = ['--nemesis', 'partition'];
// Bugs whose window opens a while into a partition (a forward to the primary times out
// after 2 s; a new leader is elected after 0.5–1 s) need partitions of 4 s, in 20 s runs.
const longPartitions = ['--nemesis', 'partition', '--nemesis-interval', '4', '--time-limit', '20'];
const BUGS: Case[] = [
  // cached-kv --variant read-cache is not here: no short run catches it reliably (seed 1
  // caught it in 2 of 3 runs, then missed in the full suite; seed 12 in 0 of 2). A
  // replica's workers sit out the first 2 s of a partition in forwards that time out, so
  // only the rest of it, and the moments after the heal before the key is written again,
  // serve stale cached values. `npm run bench:detect` measures it over seeds instead.
  { service: 'cached-kv', variant: 'replica-reads', seed: 12, args: partition, expect: { checker: 'linearizability' } },
  // Needs a kill of the primary within 500 ms of acknowledged writes: seed 1's schedule
  // kills it three times.
  { service: 'cached-kv', variant: 'write-behind', seed: 1, args: ['--nemesis', 'kill'], expect: { checker: 'linearizability' } },
  { service: 'elect-kv', variant: 'reachable-quorum', seed: 12, args: partition, expect: { checker: 'linearizability' } },
  // Needs a partition that cuts off the node leading at that moment, then reads on its side
  // within the lease. Seed 16's schedule isolates the primary (the preferred leader) twice.
  { service: 'elect-kv', variant: 'lease-reads', seed: 16, args: longPartitions, expect: { checker: 'linearizability' } },
  { service: 'quorum-kv', variant: 'wall-clock', seed: 1, args: ['--nemesis', 'clock'], expect: { checker: 'linearizability' } },
  // Needs two appends to one list racing between read and write-back, which a partition
  // that slows the primary makes likely: seed 12's schedule cuts off one replica, twice.
  { service: 'feed', variant: 'append-by-put', seed: 12, args: longPartitions, expect: { checker: 'list-append' } },
  // An append applied twice shows as a duplicate; when the last try could not connect, the
  // API node answers 503 ("not applied") for an append an earlier try applied: G1a, and
  // orders that no single order of appends explains follow from both.
  { service: 'feed', variant: 'retry-forward', seed: 12, args: partition, expect: { checker: 'list-append', anomalies: ['duplicate-elements'] } },
];

// The correct modes under every fault kind their bugs were given.
const CORRECT: Case[] = [
  { service: 'cached-kv', variant: 'correct', seed: 1, expect: { checker: 'linearizability' } },
  { service: 'elect-kv', variant: 'correct', seed: 1, expect: { checker: 'linearizability' } },
  { service: 'quorum-kv', variant: 'correct', seed: 1, args: clock, expect: { checker: 'linearizability' } },
  { service: 'feed', variant: 'correct', seed: 1, expect: { checker: 'list-append' } },
];

function results(stderr: string): Record<string, { valid: unknown; anomalyTypes?: string[] }> & { perf: { byFunction: Record<string, { ok: number }> } } {
  return JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'));
}

const run = (c: Case) => cli(['run', '--config', config(c.service), '--variant', c.variant, '--seed', String(c.seed), ...short, ...(c.args ?? [])]);

describe('bug zoo: each bug flag is caught', () => {
  for (const c of BUGS) {
    it(`${c.service} --variant ${c.variant} (seed ${c.seed}) is INVALID`, async () => {
      const r = await run(c);
      expect(r.stderr).toMatch(new RegExp(`\\(${c.variant}, seed ${c.seed}\\): INVALID`));
      expect(r.code).toBe(1);
      const res = results(r.stderr);
      expect(res[c.expect.checker]?.valid, r.stderr).toBe(false);
      for (const a of c.expect.anomalies ?? []) expect(res[c.expect.checker]?.anomalyTypes, r.stderr).toContain(a);
    });
  }
});

describe('bug zoo: each correct mode passes', () => {
  for (const c of CORRECT) {
    it(`${c.service} --variant correct (seed ${c.seed}) is VALID`, async () => {
      const r = await run(c);
      expect(r.stderr).toMatch(/\(correct, seed \d+\): VALID/);
      expect(r.code).toBe(0);
      const res = results(r.stderr);
      expect(res[c.expect.checker]?.valid).toBe(true);
      // A pass means something only if the clients got answers.
      const ok = Object.values(res.perf.byFunction).reduce((n, f) => n + f.ok, 0);
      expect(ok, r.stderr).toBeGreaterThan(100);
    });
  }
});
