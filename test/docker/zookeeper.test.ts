/**
 * The zookeeper workload on the Docker backend: Debian's ZooKeeper in an image built from
 * images/zookeeper/Dockerfile on the locally built Debian base; sync()+read stays
 * linearizable through partitions and kills, as on the local backend.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot } from '../helpers/cli.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker-zookeeper');

describe.skipIf(skipDocker)('zookeeper on docker', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('--reads sync: linearizable through partitions and kills', async () => {
    const r = await cli(['run', 'zookeeper', '--backend', 'docker', '--reads', 'sync', '--nemesis', 'partition,kill', '--nemesis-interval', '3', '--time-limit', '12', '--seed', '1', '--recovery-time', '1', '--quiet', '--out', out]);
    expect(r.stderr).toMatch(/zookeeper \(3\.8\) on 3 Docker nodes/);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);
});
