/** `faultline check --format ... FILE` through the real CLI (compiled by the global setup). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot } from '../helpers/cli.js';

const data = resolve(repoRoot, '../shared/data/porcupine');
const tmp = mkdtempSync(join(tmpdir(), 'fl-test-check-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('faultline check FILE', () => {
  it('checks a Porcupine kv history, every key with --full, within a 2 s budget', async () => {
    const out = join(tmp, 'results.json');
    const t0 = Date.now();
    const r = await cli(['check', '--format', 'porcupine-kv', '--full', '--checker-timeout', '2', '--out', out, join(data, 'kv/c50-bad.txt')]);
    expect(Date.now() - t0).toBeLessThan(2500 + 1500); // budget + node start-up
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/c50-bad\.txt \(porcupine-kv, model kv\): INVALID\n {2}linearizability: INVALID \(2024 ops, 10\/10 key\(s\) decided/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { linearizability: { partitions: { valid: unknown }[] } };
    expect(doc.linearizability.partitions.every((p) => p.valid === false)).toBe(true);
  });

  it('exits 0 for a linearizable etcd log', async () => {
    const r = await cli(['check', '--format', 'porcupine-etcd', join(data, 'jepsen/etcd_002.log')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(porcupine-etcd, model cas-register): VALID');
  });

  it('names file, line and problem of malformed input on one line, exit 4', async () => {
    const f = join(tmp, 'bad.edn');
    writeFileSync(f, '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0 :type}\n');
    const r = await cli(['check', '--format', 'jepsen-edn', '--model', 'register', f]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([`faultline: ${f}:2: not an EDN value (map with an odd number of forms): "{:process 0 :type}"`]);
  });

  it('asks for --format when the file name does not tell, and keeps run-dir mode for directories', async () => {
    const r = await cli(['check', join(data, 'kv/c01-ok.txt')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot tell the format of .*c01-ok\.txt; pass --format/);
    const d = await cli(['check', '--model', 'kv', tmp]);
    expect(d.code).toBe(4);
    expect(d.stderr).toMatch(/--model only applies to a history file/);
    const runDir = await cli(['check', tmp]);
    expect(runDir.code).toBe(4);
    expect(runDir.stderr).toMatch(/is not a run directory/);
  });
});
