/**
 * The postgres workload on the Docker backend: Debian's server in an image built from
 * images/postgres/Dockerfile on the locally built Debian base, with the same verdicts as
 * on the local backend.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot } from '../helpers/cli.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker-postgres');
const short = ['--backend', 'docker', '--seed', '1', '--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];

describe.skipIf(skipDocker)('postgres on docker', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('serializable valid through kills; repeatable read keeps snapshot isolation but shows write skew', async () => {
    const serializable = await cli(['run', 'postgres', '--nemesis', 'kill', ...short]);
    expect(serializable.stderr).toMatch(/postgres \(serializable\) on 1 Docker nodes/);
    expect(serializable.code, serializable.stderr).toBe(0);
    const rr = await cli(['run', 'postgres', '--variant', 'repeatable-read', '--nemesis', 'none', ...short]);
    expect(rr.code, rr.stderr).toBe(0);
    expect(rr.stderr).toMatch(/against snapshot-isolation: kept; anomalies G2-item;/);
  }, 600_000);
});
