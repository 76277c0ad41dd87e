/**
 * The rabbitmq workload on the Docker backend: Debian's RabbitMQ in an image built from
 * images/rabbitmq/Dockerfile on the locally built Debian base, three containers forming a
 * cluster over Erlang distribution, with the same verdict as on the local backend. Short:
 * three brokers boot slowly.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker-rabbitmq');

describe.skipIf(skipDocker)('rabbitmq on docker', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('quorum queue: a cluster of containers loses nothing acknowledged through kill -9', async () => {
    const r = await cli(['run', 'rabbitmq', '--backend', 'docker', '--seed', '1', '--time-limit', '10', '--nemesis', 'kill', '--nemesis-interval', '3', '--recovery-time', '1', '--quiet', '--out', out]);
    expect(r.stderr).toMatch(/rabbitmq \(quorum\) on 3 Docker nodes/);
    expect(r.code, r.stderr).toBe(0);
    const q = JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(r.stderr)), 'results.json'), 'utf8')).queue;
    expect(q.acknowledged).toBeGreaterThan(20);
    expect(q.lostCount).toBe(0);
    expect(q.drained).toBe(true);
  }, 900_000);
});
