/** Bad input gets one clear line and a non-zero exit, never a stack trace. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-test-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('cli errors', () => {
  it('names an unknown workload and lists the known ones', async () => {
    const r = await cli(['run', 'no-such-workload']);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /unknown workload "no-such-workload"; available: .*register/);
  });

  it('rejects an unknown option', async () => {
    const r = await cli(['run', 'register', '--nodez', '3']);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /Unknown option '--nodez'/);
  });

  it.each([
    [['--nodes', 'five'], /--nodes must be an integer from 1 to 9, got "five"/],
    [['--nodes', '0'], /--nodes must be an integer/],
    [['--rate=-1'], /--rate must be a number from 0.1/],
    [['--rate', '-1'], /Option '--rate' argument is ambiguous/],
    [['--variant', 'sloppy'], /--variant for register must be one of careful\|naive, got "sloppy"/],
    [['--nemesis', 'partition,meteor'], /--nemesis: unknown fault "meteor"/],
    [['--backend', 'vm'], /--backend must be one of local, docker, ssh, got "vm"/],
    [['--hosts', 'n1=root@10.0.0.1'], /--hosts applies to --backend ssh only, not local/],
    [['--backend', 'ssh'], /--backend ssh needs its hosts: --hosts n1=root@10.0.0.11,n2=… or --hosts-file FILE/],
    [['--backend', 'ssh', '--hosts', 'n1=root@'], /--hosts: "n1=root@" is not \[nX=\]\[user@\]host\[:port\]/],
    [['--backend', 'ssh', '--hosts-file', '/nonexistent/hosts'], /--hosts-file \/nonexistent\/hosts: cannot read it \(ENOENT\)/],
    [['--time-limit'], /--time-limit/],
  ])('rejects bad option %j', async (args, pattern) => {
    const r = await cli(['run', 'register', ...args]);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, pattern);
  });

  it.each([['__proto__'], ['constructor'], ['toString']])('a workload or option called %s is unknown: one line, exit 4', async (name) => {
    const w = await cli(['run', name]);
    expect(w.code).toBe(4);
    expectOneLine(w.stderr, new RegExp(`unknown workload "${name}"`));
    const o = await cli(['run', 'register', `--${name}`, '1']);
    expect(o.code).toBe(4);
    expectOneLine(o.stderr, new RegExp(`Unknown option '--${name}'`));
  });

  it('names the workload an option belongs to', async () => {
    const r = await cli(['run', 'register', '--reads', 'serializable']);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /--reads is an option of etcd, zookeeper, not of register/);
  });

  it.each([
    [['zookeeper', '--reads', 'linearizable'], /--reads must be one of sync, local, got "linearizable"/],
    [['redis', '--variant', 'single'], /--variant single runs one Redis server without Sentinel: add --nodes 1 \(got 3\)/],
    [['redis', '--nodes', '2'], /--variant async needs a primary, replicas and a Sentinel majority: --nodes 3 or more \(got 2\)/],
  ])('checks read modes and topology per workload: %j', async (args, pattern) => {
    const r = await cli(['run', ...args]);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, pattern);
  });

  it('takes --txn only where a workload declares it, and only its values', async () => {
    const bad = await cli(['run', 'mariadb', '--txn', 'bank']);
    expect(bad.code).toBe(4);
    expectOneLine(bad.stderr, /--txn must be one of list-append, rw-register, got "bank"/);
    const elsewhere = await cli(['run', 'register', '--txn', 'rw-register']);
    expect(elsewhere.code).toBe(4);
    expectOneLine(elsewhere.stderr, /--txn is an option of mariadb, postgres, not of register/);
  });

  it('rejects an unknown command', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /unknown command "frobnicate"/);
  });

  it('explains a directory that is not a run', async () => {
    const r = await cli(['check', tmp]);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /is not a run directory \(no test\.json\)/);
  });

  it('names file and line of a malformed history', async () => {
    const dir = join(tmp, 'bad-run');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'test.json'), JSON.stringify({ options: { workload: 'register', variant: 'careful', seed: 1, checkerTimeout: 10 } }));
    writeFileSync(
      join(dir, 'history.jsonl'),
      '{"index":0,"type":"invoke","process":0,"f":"read","value":["k0",null],"time":1}\n{"index":1,"type":"ok","process":0,"f":"read","value":["k0",null],"time":"soon"}\n',
    );
    const r = await cli(['check', dir]);
    expect(r.code).toBe(4);
    expectOneLine(r.stderr, /history\.jsonl:2: "time" must be a number/);
  });

  it('checks a stored history and exits by verdict', async () => {
    const dir = join(tmp, 'stale-run');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'test.json'), JSON.stringify({ options: { workload: 'register', variant: 'naive', seed: 1, checkerTimeout: 10 } }));
    const ops = [
      { type: 'invoke', process: 0, f: 'write', value: ['k0', 1], time: 1 },
      { type: 'ok', process: 0, f: 'write', value: ['k0', 1], time: 2 },
      { type: 'invoke', process: 1, f: 'read', value: ['k0', null], time: 3 },
      { type: 'ok', process: 1, f: 'read', value: ['k0', null], time: 4 },
    ];
    writeFileSync(join(dir, 'history.jsonl'), ops.map((o, index) => JSON.stringify({ index, ...o })).join('\n') + '\n');
    const r = await cli(['check', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID/);
    expect(r.stderr).toMatch(/key k0/);
  });

  it('prints help, with the run options from the option table and the workloads', async () => {
    const r = await cli(['help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: faultline/);
    expect(r.stdout).toMatch(/--faults-overlap +each fault kind on its own cycle/);
    expect(r.stdout).toMatch(/--reads linearizable\|serializable\n +etcd only: /);
    const etcd = await cli(['run', 'etcd', '--help']);
    expect(etcd.code).toBe(0);
    expect(etcd.stdout).toMatch(/--reads linearizable\|serializable/);
    const register = await cli(['run', 'register', '--help']);
    expect(register.stdout).not.toMatch(/--reads/);
  });
});
