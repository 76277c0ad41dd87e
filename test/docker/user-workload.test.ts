/**
 * A user's own service through its workload file on the Docker backend: the replica-cache
 * example (plain Node, run from its own directory mounted into the node image) gives the
 * same verdicts as on the local backend.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot } from '../helpers/cli.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker-user');
const args = ['run', '--config', 'examples/replica-cache/faultline.config.ts', '--backend', 'docker', '--seed', '1', '--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];

describe.skipIf(skipDocker)('user workload files on docker', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('replica-cache: valid as shipped, invalid with its stale cache', async () => {
    const fixed = await cli(args);
    expect(fixed.stderr).toMatch(/on 5 Docker nodes/);
    expect(fixed.code, fixed.stderr).toBe(0);
    const stale = await cli([...args, '--variant', 'stale-cache']);
    expect(stale.code, stale.stderr).toBe(1);
  }, 240_000);
});
