/** `faultline check --format ... FILE` through the real CLI (compiled by the global setup). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot } from '../helpers/cli.js';

const data = resolve(repoRoot, '../shared/data/porcupine');
const tmp = mkdtempSync(join(tmpdir(), 'fl-test-check-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('faultline check FILE', () => {
  // The budget is generous: on a loaded machine 2 s left keys undecided, and how fast the
  // search is belongs to bench:checker, not to a unit test.
  it('checks a Porcupine kv history, every key with --full', async () => {
    const out = join(tmp, 'results.json');
    const r = await cli(['check', '--format', 'porcupine-kv', '--full', '--checker-timeout', '120', '--out', out, join(data, 'kv/c50-bad.txt')]);
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
    expect(r.stderr.trim().split('\n')).toEqual([`faultline: ${f}:2: expected a value for the last key of the map (a map holds key-value pairs), got "}"`]);
  });

  it('reads a Knossos-style history (one vector, comments) and judges it', async () => {
    const r = await cli(['check', '--format', 'jepsen-edn', '--model', 'cas-register', join(repoRoot, 'test/import/histories/knossos-vector.edn')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/knossos-vector\.edn \(jepsen-edn, model cas-register\): INVALID/);
  });

  it('refuses deep nesting with one line and exit 4, not a stack overflow', async () => {
    const deep = join(tmp, 'deep.edn');
    writeFileSync(deep, '['.repeat(100_000));
    const r = await cli(['check', '--format', 'jepsen-edn', '--model', 'register', deep]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([`faultline: ${deep}:1: expected at most 256 levels of nesting, got deeper nesting`]);
    const deepJson = join(tmp, 'deep.jsonl');
    writeFileSync(deepJson, `{"index":0,"type":"invoke","process":0,"f":"write","time":0,"value":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`);
    const j = await cli(['check', '--format', 'jsonl', '--model', 'register', deepJson]);
    expect(j.code).toBe(4);
    expect(j.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^faultline: ${deepJson}:1: not valid JSON \\(expected at most 256 levels of nesting at column \\d+`))]);
  });

  it('refuses a FIFO and /dev/zero at once (no hang, no unbounded read), and unknown names', async () => {
    const fifo = join(tmp, 'history.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await cli(['check', '--format', 'jepsen-edn', '--model', 'register', fifo]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim()).toBe(`faultline: ${fifo} is a FIFO, not a regular file: save the history to a file and check that`);
    const z = await cli(['check', '--format', 'jsonl', '--model', 'register', '/dev/zero']);
    expect(z.code).toBe(4);
    expect(z.stderr.trim()).toBe('faultline: /dev/zero is a device, not a regular file: save the history to a file and check that');
    const f = await cli(['check', '--format', 'toString', '--model', 'register', fifo]);
    expect(f.code).toBe(4);
    expect(f.stderr.trim()).toMatch(/^faultline: unknown --format "toString"; formats: jsonl, jepsen-edn, porcupine-etcd, porcupine-kv$/);
    const m = await cli(['check', '--format', 'jepsen-edn', '--model', '__proto__', join(repoRoot, 'test/import/histories/list-form.edn')]);
    expect(m.code).toBe(4);
    expect(m.stderr.trim()).toMatch(/^faultline: unknown --model "__proto__"; models: register, /);
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
