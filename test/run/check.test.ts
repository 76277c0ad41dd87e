/**
 * Re-checking and replaying stored runs treat the run directory as data: nothing in it is
 * executed, a malformed test.json is one line (exit 4), nothing to judge is UNKNOWN, a
 * checker that throws is unknown without costing the others their results, and results
 * are not written through a symlink planted in the run directory.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compose, type Checker } from '../../src/checkers/checker.js';
import { linearizable, multiRegister } from '../../src/checkers/linearizability/index.js';
import { checkerFromSpec } from '../../src/checkers/spec.js';
import type { Op } from '../../src/core/op.js';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-test-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ops: Omit<Op, 'index'>[] = [
  { type: 'invoke', process: 0, f: 'write', value: ['k0', 1], time: 1 },
  { type: 'ok', process: 0, f: 'write', value: ['k0', 1], time: 2 },
  { type: 'invoke', process: 1, f: 'read', value: ['k0', null], time: 3 },
  { type: 'ok', process: 1, f: 'read', value: ['k0', null], time: 4 },
];

/** A run directory with `test` as test.json and the ops as its history. */
function runDir(name: string, test: unknown, history: readonly Omit<Op, 'index'>[] = ops): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'test.json'), typeof test === 'string' ? test : JSON.stringify(test));
  writeFileSync(join(dir, 'history.jsonl'), history.map((o, index) => JSON.stringify({ index, ...o })).join('\n') + (history.length ? '\n' : ''));
  return dir;
}

/** A workload file that leaves a mark when it is loaded: loading it must never happen by itself. */
function markingConfig(name: string): { file: string; mark: string } {
  const dir = join(tmp, `${name}-config`);
  mkdirSync(dir, { recursive: true });
  const mark = join(dir, 'LOADED');
  const file = join(dir, 'faultline.config.mjs');
  writeFileSync(
    file,
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'x');\n` +
      `export default { name: '${name}', service: { port: 7000, command: ['true'] }, client: { open() {}, setup() {}, invoke() {}, teardown() {}, close() {} }, checker: () => ({ name: 'mine', async check() { return { valid: true }; } }) };\n`,
  );
  return { file, mark };
}

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('faultline check of a stored run', () => {
  it('never loads the workload file a run directory names; asks for --config in one line', async () => {
    const { file, mark } = markingConfig('marked');
    const dir = runDir('file-run', { options: { workload: 'marked', variant: 'default', seed: 1, checkerTimeout: 10 }, configPath: file });
    const r = await cli(['check', dir]);
    expect(r.code).toBe(4);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/whose checker is code; .*pass the file yourself: faultline check .* --config /);
    expect(existsSync(mark)).toBe(false);
    // Passed explicitly, the file is the user's choice: then it is loaded and used.
    const ok = await cli(['check', dir, '--config', file]);
    expect(ok.stderr).toMatch(/marked \(default, seed 1\): VALID/);
    expect(ok.code).toBe(0);
    expect(existsSync(mark)).toBe(true);
  });

  it('rebuilds a workload file run’s checker from the data it recorded, loading nothing', async () => {
    const { file, mark } = markingConfig('recorded');
    const dir = runDir('recorded-run', {
      options: { workload: 'recorded', variant: 'default', seed: 2, checkerTimeout: 10 },
      configPath: file,
      checker: { kind: 'linearizability', model: 'multi-register' },
    });
    const r = await cli(['check', dir]);
    expect(r.stderr).toMatch(/INVALID/);
    expect(r.stderr).toMatch(/key k0/);
    expect(r.code).toBe(1);
    expect(existsSync(mark)).toBe(false);
  });

  it('says UNKNOWN (exit 2) for a run interrupted before any op', async () => {
    const dir = runDir('empty-run', { options: { workload: 'register', variant: 'careful', seed: 3, checkerTimeout: 10 }, interrupted: true }, []);
    const r = await cli(['check', dir]);
    expect(r.stderr).toMatch(/register \(careful, seed 3\): UNKNOWN/);
    expect(r.stderr).toMatch(/nothing to judge/);
    expect(r.code).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).valid).toBe('unknown');
  });

  it('is one line, exit 4, for a corrupt test.json or a bad option in it', async () => {
    for (const [name, test, pattern] of [
      ['corrupt', '{"options": {"workload": "regis', /test\.json: not valid JSON/],
      ['bad-option', { options: { workload: 'register', variant: 'careful', seed: 1, nodes: 'many' } }, /options\.nodes must be an integer from 1 to 9, got "many"/],
      ['proto-workload', { options: { workload: '__proto__', seed: 1 } }, /workload "__proto__" is not a built-in workload/],
    ] as const) {
      const dir = runDir(name, test);
      const r = await cli(['check', dir]);
      expect(r.code, name).toBe(4);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(pattern);
    }
  });

  it('judges a transactional run against the model its variant promises, or the one --consistency-model names', async () => {
    // Write skew between two overlapping transactions, then a read of both appends.
    const mops = (x: unknown, y: unknown, k: string, v: number) => [['r', 'x', x], ['r', 'y', y], ['append', k, v]];
    const skew: Omit<Op, 'index'>[] = [
      { type: 'invoke', process: 0, f: 'txn', value: mops(null, null, 'x', 1), time: 1 },
      { type: 'invoke', process: 1, f: 'txn', value: mops(null, null, 'y', 1), time: 2 },
      { type: 'ok', process: 0, f: 'txn', value: mops([], [], 'x', 1), time: 3 },
      { type: 'ok', process: 1, f: 'txn', value: mops([], [], 'y', 1), time: 4 },
      { type: 'invoke', process: 2, f: 'txn', value: [['r', 'x', null], ['r', 'y', null]], time: 5 },
      { type: 'ok', process: 2, f: 'txn', value: [['r', 'x', [1]], ['r', 'y', [1]]], time: 6 },
    ];
    // An older run that recorded no model: the variant's default applies.
    const dir = runDir('postgres-rr', { options: { workload: 'postgres', variant: 'repeatable-read', seed: 1, checkerTimeout: 10 } }, skew);
    const si = await cli(['check', dir]);
    expect(si.code, si.stderr).toBe(0);
    expect(si.stderr).toMatch(/3 transactions against snapshot-isolation: kept; anomalies G2-item; ruled out repeatable-read and what implies them; strongest still consistent strong-snapshot-isolation/);
    const ser = await cli(['check', dir, '--consistency-model', 'serializable']);
    expect(ser.code, ser.stderr).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))['list-append']).toMatchObject({ consistencyModel: 'serializable', forbiddenAnomalyTypes: ['G2-item'] });
    const bad = await cli(['check', dir, '--consistency-model', 'acid']);
    expect(bad.code).toBe(4);
    oneLine(bad.stderr);
    expect(bad.stderr).toMatch(/--consistency-model must be one of read-uncommitted, .*, got "acid"/);
    const register = runDir('register-model', { options: { workload: 'register', variant: 'careful', seed: 1 } });
    const notTxn = await cli(['check', register, '--consistency-model', 'serializable']);
    expect(notTxn.code).toBe(4);
    oneLine(notTxn.stderr);
    expect(notTxn.stderr).toMatch(/--consistency-model applies to transactional workloads .*; .* ran "register"/);
  });

  it('does not write results.json or report.html through a symlink in the run directory', async () => {
    const dir = runDir('symlinked', { options: { workload: 'register', variant: 'naive', seed: 4, checkerTimeout: 10 } });
    const victim = join(tmp, 'victim.txt');
    const victimReport = join(tmp, 'victim.html');
    writeFileSync(victim, 'keep me');
    writeFileSync(victimReport, 'keep me too');
    symlinkSync(victim, join(dir, 'results.json'));
    symlinkSync(victimReport, join(dir, 'report.html'));
    const r = await cli(['check', dir]);
    expect(r.code).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(victimReport, 'utf8')).toBe('keep me too');
    expect(lstatSync(join(dir, 'results.json')).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).valid).toBe(false);
    expect(lstatSync(join(dir, 'report.html')).isSymbolicLink()).toBe(false);
  });
});

describe('faultline replay of a stored run', () => {
  it('is one line, exit 4, for a corrupt test.json', async () => {
    const dir = runDir('replay-corrupt', '{"options": ');
    const r = await cli(['replay', dir]);
    expect(r.code).toBe(4);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/test\.json: not valid JSON/);
  });

  it('never loads the workload file a run directory names', async () => {
    const { file, mark } = markingConfig('replayed');
    const dir = runDir('replay-file-run', {
      options: { workload: 'replayed', variant: 'default', seed: 1, timeLimit: 1 },
      configPath: file,
      schedule: [],
    });
    const r = await cli(['replay', dir]);
    expect(r.code).toBe(4);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/replay never loads code named in a run directory: pass the file yourself: faultline replay .* --config /);
    expect(existsSync(mark)).toBe(false);
  });
});

describe('checkers isolated from each other', () => {
  const history: Op[] = ops.map((o, index) => ({ index, ...o }));

  it('a checker that throws is unknown with its error; the others keep their results', async () => {
    const broken: Checker = {
      name: 'broken',
      async check() {
        throw new Error('index out of range');
      },
    };
    const r = await compose([broken, linearizable(multiRegister)]).check(history, {});
    expect(r.broken).toEqual({ valid: 'unknown', error: 'broken failed: index out of range' });
    expect((r.linearizability as { valid: unknown }).valid).toBe(false);
    expect(r.valid).toBe(false);
  });

  it('rebuilds only what a spec fully names', () => {
    expect(linearizable(multiRegister).spec).toEqual({ kind: 'linearizability', model: 'keyed-cas-register' });
    expect(checkerFromSpec({ kind: 'linearizability', model: 'multi-register' })?.name).toBe('linearizability');
    expect(checkerFromSpec({ kind: 'compose', checkers: [{ kind: 'linearizability', model: 'register' }] })?.spec).toEqual({ kind: 'compose', checkers: [{ kind: 'linearizability', model: 'register' }] });
    for (const bad of [{ kind: 'linearizability', model: '__proto__' }, { kind: 'linearizability', model: 'toString' }, { kind: 'eval', code: '1' }, null, 'linearizability']) {
      expect(checkerFromSpec(bad)).toBeUndefined();
    }
  });
});
