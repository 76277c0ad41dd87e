/**
 * The nats workload on the Docker backend: Debian's nats-server in an image built from
 * images/nats/Dockerfile on the locally built Debian base, three containers forming a
 * JetStream cluster, with the same verdict as on the local backend.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker-nats');

describe.skipIf(skipDocker)('nats on docker', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('r3: a JetStream cluster of containers loses nothing acknowledged through kill -9', async () => {
    const r = await cli(['run', 'nats', '--backend', 'docker', '--seed', '1', '--time-limit', '10', '--nemesis', 'kill', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out]);
    expect(r.stderr).toMatch(/nats \(r3\) on 3 Docker nodes/);
    expect(r.code, r.stderr).toBe(0);
    const q = JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(r.stderr)), 'results.json'), 'utf8')).queue;
    expect(q.acknowledged).toBeGreaterThan(20);
    expect(q.lostCount).toBe(0);
    expect(q.drained).toBe(true);
  }, 600_000);
});
