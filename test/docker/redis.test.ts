/**
 * The redis workload on the Docker backend: Debian's Redis and Sentinel in an image built
 * from images/redis/Dockerfile; clients find the primary through Sentinel at the
 * containers' IPs, and a partition isolating the primary loses acknowledged writes, as on
 * the local backend.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker-redis');

describe.skipIf(skipDocker)('redis on docker', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('async: a failover with the primary cut off loses acknowledged writes', async () => {
    const r = await cli(['run', 'redis', '--backend', 'docker', '--nemesis', 'partition', '--nemesis-interval', '6', '--time-limit', '14', '--seed', '1', '--recovery-time', '1', '--quiet', '--out', out]);
    expect(r.stderr).toMatch(/redis \(async\) on 3 Docker nodes/);
    expect(r.code, r.stderr).toBe(1);
    const set = JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(r.stderr)), 'results.json'), 'utf8')).redis.set;
    expect(set.lostAcknowledged).toBeGreaterThan(0);
  }, 600_000);
});
