/**
 * Real end-to-end runs on the embedded default: 5 node processes in their own network
 * namespaces, iptables partitions, SIGKILL crashes, the real CLI. Needs root (CI is).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf, startCli } from '../helpers/cli.js';
import { stateDirPath } from '../../src/core/state-dir.js';
import { waitFor } from '../helpers/wait.js';

const out = join(repoRoot, 'reports', '.e2e');
afterAll(() => rmSync(out, { recursive: true, force: true }));

function namespacesOf(runId: string): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(`fl-${runId}-`));
}

/** kv node processes of one run (its data dirs are /tmp/fl-<run id>-<random>/…): other runs may be going on. */
function kvProcesses(runId: string): string {
  try {
    return execFileSync('pgrep', ['-af', `systems/kv/server.js.*fl-${runId}-`], { encoding: 'utf8' });
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];

describe('register workload end to end', () => {
  it('careful variant: valid, exit 0, run directory complete, nothing left behind', async () => {
    const r = await cli(['run', 'register', '--variant', 'careful', '--seed', '3', ...short]);
    expect(r.stderr).toMatch(/VALID/);
    expect(r.code, r.stderr).toBe(0);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const test = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8'));
    expect(test.options).toMatchObject({ workload: 'register', variant: 'careful', seed: 3, nodes: 5 });
    expect(test.schedule.length).toBeGreaterThan(0); // the faults as they ran
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe(true);
    expect(results.linearizability.valid).toBe(true);
    expect(results.perf.ops).toBeGreaterThan(100);
    expect(readdirSync(join(dir, 'nodes')).sort()).toEqual(['n1.log', 'n2.log', 'n3.log', 'n4.log', 'n5.log']);
    expect(existsSync(join(dir, 'faultline.log'))).toBe(true);
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Faults happened and were recorded (which kinds depends on the seed's schedule).
    expect(history.some((o) => o.process === 'nemesis' && ['start-partition', 'kill'].includes(o.f) && o.type === 'ok')).toBe(true);
    expect(namespacesOf(test.runId)).toEqual([]);
    expect(kvProcesses(test.runId)).toBe('');
  });

  it('naive variant: invalid, exit 1, results name the key and the operations', async () => {
    const r = await cli(['run', 'register', '--variant', 'naive', '--seed', '4', ...short]);
    expect(r.stderr).toMatch(/INVALID/);
    expect(r.code, r.stderr).toBe(1);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe(false);
    const lin = results.linearizability;
    expect(lin.invalidKeys.length).toBeGreaterThan(0);
    const bad = lin.partitions.find((p: { valid: unknown }) => p.valid === false);
    expect(bad.key).toMatch(/^k\d+$/);
    expect(bad.explanation.next.length).toBeGreaterThan(0);
    expect(bad.explanation.message).toMatch(/not linearizable/);
  });

  it('Ctrl-C stops within 5 s, cleans up, keeps a history that can be checked', async () => {
    const { child, done } = startCli(['run', 'register', '--variant', 'careful', '--seed', '5', '--time-limit', '60', '--nemesis-interval', '1', '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the run is under way (a progress line shows ops).
    await waitFor(() => /\] ops [1-9]/.test(stderr), 'ops under way', 30_000, 100);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await done;
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(r.code).toBe(130);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const test = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8'));
    expect(test.interrupted).toBe(true);
    expect(namespacesOf(test.runId)).toEqual([]);
    expect(kvProcesses(test.runId)).toBe('');
    const check = await cli(['check', dir]);
    expect(check.code, check.stderr).toBe(0);
  });

  it('faultline clean removes what a SIGKILLed harness left behind', async () => {
    const { child, done } = startCli(['run', 'register', '--seed', '6', '--time-limit', '60', '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => /\] ops [1-9]/.test(stderr), 'ops under way', 30_000, 100);
    const runId = /run ([0-9a-f]{6})/.exec(stderr)![1]!;
    // While the harness lives, clean leaves its run alone (another terminal, a parallel job).
    const early = await cli(['clean']);
    expect(early.stderr).toMatch(new RegExp(`left run ${runId} alone`));
    expect(namespacesOf(runId).length).toBeGreaterThan(0);
    expect(subnetClaimsOf(runId)).toHaveLength(1);
    child.kill('SIGKILL');
    await done;
    expect(namespacesOf(runId).length).toBeGreaterThan(0);
    const r = await cli(['clean']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`removed netns fl-${runId}-hub`));
    expect(namespacesOf(runId)).toEqual([]);
    expect(kvProcesses(runId)).toBe('');
    expect(subnetClaimsOf(runId)).toEqual([]);
    // The history of the killed run is still readable and checkable.
    // The default variant is careful: what was recorded before the kill is linearizable.
    const check = await cli(['check', resolve(repoRoot, runDirOf(stderr))]);
    expect(check.code, check.stderr).toBe(0);
  });
});

/** The subnets a run has claimed (local.ts: one directory per subnet naming its run, in the state dir). */
function subnetClaimsOf(runId: string): string[] {
  const dir = join(stateDirPath(), 'subnets');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((x) => {
    try {
      return readFileSync(join(dir, x, 'run'), 'utf8').trim() === runId;
    } catch {
      return false;
    }
  });
}
