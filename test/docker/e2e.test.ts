/**
 * The real CLI with `--backend docker`: the register workload gives the same verdicts as
 * on the local backend (careful valid, naive invalid), etcd passes as a linearizable
 * register, and Ctrl-C or a SIGKILLed harness followed by `faultline clean` leave no
 * container, volume or network behind.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../src/cluster/docker-connect.js';
import { cli, repoRoot, runDirOf, startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker');
const short = (timeLimit = 8) => ['--backend', 'docker', '--time-limit', String(timeLimit), '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];

async function leftovers(runId: string): Promise<string[]> {
  const d = dockerClient();
  const filters = JSON.stringify({ label: [`faultline.run=${runId}`] });
  const [containers, networks, volumes] = await Promise.all([d.listContainers({ all: true, filters }), d.listNetworks({ filters }), d.listVolumes({ filters })]);
  return [...containers.map((c) => c.Names[0] ?? c.Id), ...networks.map((n) => n.Name), ...(volumes.Volumes ?? []).map((v) => v.Name)];
}

/** Waits until the run prints its first progress line with ops, then returns its id. */
async function whenUnderWay(stderr: () => string): Promise<string> {
  await waitFor(() => /\] ops [1-9]/.test(stderr()), 'ops under way', 60_000, 100);
  return /run ([0-9a-f]{6})/.exec(stderr())![1]!;
}

describe.skipIf(skipDocker)('docker backend end to end', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('register careful: valid, exit 0, node logs copied, nothing left behind', async () => {
    const r = await cli(['run', 'register', '--variant', 'careful', '--seed', '3', ...short()]);
    expect(r.stderr).toMatch(/on 5 Docker nodes/);
    expect(r.code, r.stderr).toBe(0);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const test = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8'));
    expect(test.options.backend).toBe('docker');
    expect(test.replay).toContain('--backend docker');
    expect(readFileSync(join(dir, 'nodes', 'n1.log'), 'utf8')).toMatch(/\S/);
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history.some((o) => o.process === 'nemesis' && ['start-partition', 'kill'].includes(o.f) && o.type === 'ok')).toBe(true);
    expect(await leftovers(test.runId)).toEqual([]);
  });

  it('register naive: invalid, exit 1', async () => {
    const r = await cli(['run', 'register', '--variant', 'naive', '--seed', '4', ...short()]);
    expect(r.stderr).toMatch(/INVALID/);
    expect(r.code, r.stderr).toBe(1);
  });

  it('etcd with linearizable reads: valid under partitions and kills', async () => {
    const r = await cli(['run', 'etcd', '--nodes', '3', '--seed', '2', ...short(12)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/VALID/);
  });

  it('Ctrl-C stops, cleans up the containers and keeps the history', async () => {
    const { child, done } = startCli(['run', 'register', '--backend', 'docker', '--seed', '5', '--time-limit', '60', '--nemesis-interval', '1', '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const runId = await whenUnderWay(() => stderr);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(await leftovers(runId)).toEqual([]);
  });

  it('faultline clean removes what a SIGKILLed harness left behind', async () => {
    const { child, done } = startCli(['run', 'register', '--backend', 'docker', '--seed', '6', '--time-limit', '60', '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const runId = await whenUnderWay(() => stderr);
    child.kill('SIGKILL');
    await done;
    expect((await leftovers(runId)).length).toBeGreaterThan(0);
    const r = await cli(['clean']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`removed network fl-${runId}`);
    expect(await leftovers(runId)).toEqual([]);
  });
});
