/**
 * ZooKeeper (Debian's) through the real CLI on the local backend: sync() before each read
 * keeps the registers linearizable through partitions and kills; plain reads from a
 * member that lags the leader are stale, and the checker says so; a missing Java is one
 * line and exit 3. Each run starts three JVMs: slow-ish, so the runs are short.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-zookeeper');
afterAll(() => rmSync(out, { recursive: true, force: true }));
afterEach(() => delete process.env.FAULTLINE_JAVA);
const short = ['--nemesis-interval', '3', '--rate', '200', '--recovery-time', '1', '--quiet', '--out', out];

const history = (stderr: string) =>
  readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { process: unknown; f: string; type: string });

describe('zookeeper workload', () => {
  it('--reads sync: linearizable through partitions and kills, on a 3-member ensemble by default', async () => {
    const r = await cli(['run', 'zookeeper', '--reads', 'sync', '--nemesis', 'partition,kill', '--time-limit', '12', '--seed', '2', ...short]);
    expect(r.stderr).toMatch(/zookeeper \(3\.8\) on 3 local nodes/);
    expect(r.code, r.stderr).toBe(0);
    const ops = history(r.stderr);
    expect(ops.some((o) => o.process === 'nemesis' && o.type === 'ok' && (o.f === 'start-partition' || o.f === 'kill'))).toBe(true);
    expect(ops.filter((o) => o.f === 'read' && o.type === 'ok').length).toBeGreaterThan(50);
  }, 300_000);

  it('--reads local: a member behind the leader serves stale reads under partitions, which are not linearizable', async () => {
    // Whether a stale read lands depends on timing (a read must reach a member that is
    // behind, on a key the others just changed). Seeds 2, 3 and 5 showed it in the
    // bench:systems sweep (3 of 5 seeds); at least one of them must show it here.
    const verdicts: string[] = [];
    for (const seed of ['2', '3', '5']) {
      const r = await cli(['run', 'zookeeper', '--reads', 'local', '--nemesis', 'partition', '--concurrency', '20', '--time-limit', '30', '--seed', seed, ...short]);
      verdicts.push(`seed ${seed}: exit ${r.code}`);
      if (r.code !== 1) continue;
      expect(r.stderr).toMatch(/key k\d: not linearizable: .* read \d \(invoked at index \d+\)/);
      return;
    }
    expect.fail(`local reads never showed a stale read: ${verdicts.join(', ')}`);
  }, 900_000);

  it('no Java: one line naming it, exit 3, before anything starts', async () => {
    process.env.FAULTLINE_JAVA = '/nonexistent/java';
    const r = await cli(['run', 'zookeeper', ...short]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual(['faultline: the zookeeper workload needs a Java runtime at /nonexistent/java: apt-get install -y zookeeper (or fix FAULTLINE_JAVA), or use --backend docker']);
  });
});
