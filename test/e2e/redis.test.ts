/**
 * Redis with Sentinel (Debian's) through the real CLI on the local backend: a partition
 * isolating the primary while clients still reach it makes Sentinel fail over, and the
 * writes the old primary acknowledged meanwhile are lost when it rejoins as a replica —
 * the figure is in the summary and results.json. A single server with appendfsync always
 * keeps everything through kill -9. A missing binary is one line and exit 3.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-redis');
afterAll(() => rmSync(out, { recursive: true, force: true }));
afterEach(() => delete process.env.FAULTLINE_REDIS_BIN);
const short = ['--recovery-time', '1', '--quiet', '--out', out];
const results = (stderr: string) => JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'));

describe('redis workload', () => {
  it('async: Sentinel failover loses acknowledged writes, counted in the summary and results.json', async () => {
    const r = await cli(['run', 'redis', '--nemesis', 'partition', '--nemesis-interval', '6', '--time-limit', '14', '--seed', '1', ...short]);
    expect(r.stderr).toMatch(/redis \(async\) on 3 local nodes/);
    expect(r.code, r.stderr).toBe(1);
    const m = /(\d+) of (\d+) acknowledged add\(s\) lost/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const set = results(r.stderr).redis.set;
    expect(set.lostAcknowledged).toBe(Number(m![1]));
    expect(set.lostAcknowledged).toBeGreaterThan(0);
    expect(set.acknowledged).toBe(Number(m![2]));
  }, 300_000);

  it('single: one server with appendfsync always keeps every acknowledged write through kill -9', async () => {
    const r = await cli(['run', 'redis', '--variant', 'single', '--nodes', '1', '--nemesis', 'kill', '--nemesis-interval', '2', '--time-limit', '12', '--seed', '1', ...short]);
    expect(r.code, r.stderr).toBe(0);
    const ops = readFileSync(join(resolve(repoRoot, runDirOf(r.stderr)), 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ops.some((o) => o.process === 'nemesis' && o.f === 'kill' && o.type === 'ok' && o.value.length === 1)).toBe(true);
    const set = results(r.stderr).redis.set;
    expect(set.acknowledged).toBeGreaterThan(20);
    expect(set.lostCount).toBe(0);
  }, 300_000);

  it('no redis-server: one line naming it, exit 3', async () => {
    process.env.FAULTLINE_REDIS_BIN = '/nonexistent';
    const r = await cli(['run', 'redis', ...short]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual(['faultline: the redis workload needs /nonexistent/redis-server and /nonexistent/redis-sentinel: apt-get install -y redis-server redis-sentinel (or fix FAULTLINE_REDIS_BIN), or use --backend docker']);
  });
});
