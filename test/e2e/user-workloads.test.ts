/**
 * Users' own services through workload files, on the local backend: the replica-cache
 * example (a Node service with a stale-read bug behind a flag) and the Python example
 * (service and JSON-lines client in Python). Also `faultline init` and a broken file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-user');
const tmp = mkdtempSync(join(tmpdir(), 'fl-test-user-'));
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});
const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];

describe('user workload files', () => {
  it('replica-cache: valid as shipped, invalid with its stale cache, and re-checkable', async () => {
    const config = 'examples/replica-cache/faultline.config.ts';
    const fixed = await cli(['run', '--config', config, '--seed', '1', ...short]);
    expect(fixed.stderr).toMatch(/replica-cache \(fixed, seed 1\): VALID/);
    expect(fixed.code).toBe(0);
    const stale = await cli(['run', '--config', config, '--variant', 'stale-cache', '--seed', '1', ...short]);
    expect(stale.stderr).toMatch(/INVALID/);
    expect(stale.code).toBe(1);
    // The run remembers its workload file, so check finds the same checker again.
    const dir = resolve(repoRoot, runDirOf(stale.stderr));
    expect(JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')).configPath).toMatch(/replica-cache\/faultline\.config\.ts$/);
    expect((await cli(['check', dir])).code).toBe(1);
  });

  it('python-kv: a Python service and client; the in-memory variant loses writes to kill -9', async () => {
    const config = 'examples/python-kv/faultline.config.ts';
    // Three client programs are plenty for one node, and start fast on a loaded machine.
    const args = ['run', '--config', config, '--nodes', '1', '--concurrency', '3', '--nemesis', 'kill', '--seed', '2', ...short];
    const okOps = (stderr: string) => {
      const results = JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'));
      return Object.values(results.perf.byFunction as Record<string, { ok: number }>).reduce((n, f) => n + f.ok, 0);
    };
    const durable = await cli(args);
    expect(durable.stderr).toMatch(/VALID/);
    expect(durable.code).toBe(0);
    // A valid verdict means something only if the clients got answers.
    expect(okOps(durable.stderr), durable.stderr).toBeGreaterThan(20);
    const memory = await cli([...args, '--variant', 'memory']);
    expect(memory.stderr).toMatch(/INVALID/);
    expect(memory.code).toBe(1);
  });

  it('init writes a template that refuses to be overwritten', async () => {
    const file = join(tmp, 'faultline.config.ts');
    expect((await cli(['init', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/defineWorkload/);
    const again = await cli(['init', file]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/already exists; pass --force/);
  });

  it('init into a directory that does not exist is bad input (exit 4, one line), not a harness error', async () => {
    const r = await cli(['init', join(tmp, 'no', 'such', 'dir', 'x.ts')]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/directory .*no\/such\/dir does not exist \(create it first: mkdir -p/);
  });

  it("a workload file's function that throws is the file's mistake: one line naming the field, exit 4", async () => {
    const file = join(tmp, 'throws.config.mjs');
    writeFileSync(
      file,
      "export default { name: 'throws', service: { port: 7000, command: () => { throw new Error('no port configured'); } }, client: { open() {}, async setup() {}, async invoke() { return { type: 'ok' }; }, async teardown() {}, async close() {} } };\n",
    );
    const r = await cli(['run', '--config', file, '--time-limit', '2']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/throws\.config\.mjs: service\.command threw: no port configured \(fix the function in the workload file\)/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('a wrong field in a workload file is one line with the path and the expected type', async () => {
    const file = join(tmp, 'bad.config.mjs');
    writeFileSync(file, "export default { name: 'bad', service: { port: 'eighty', command: ['x'] }, client: {} };\n");
    const r = await cli(['run', '--config', file]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.config\.mjs: service\.port: expected an integer from 1 to 65535, got "eighty"/);
  });
});
