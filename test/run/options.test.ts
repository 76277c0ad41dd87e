/**
 * The option table: the command line and the library read options the same way, a
 * workload's own options join it, names are looked up safely, and the replay command —
 * parsed by a real shell — gives back exactly the options test.json records.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { optionsFor } from '../../src/run/options/catalog.js';
import { replayCommand, shellQuote } from '../../src/run/options/replay-command.js';
import { choice, defineOption, integer } from '../../src/run/options/spec.js';
import { optionsTable, optionsUsage } from '../../src/run/options/usage.js';
import { requestFromArgs, requestFromObject, type RunRequest } from '../../src/run/request.js';
import { resolveTest } from '../../src/run/resolve.js';
import type { Workload } from '../../src/run/workload.js';
import { repoRoot } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-test-options-'));
// Inside the repository, like any user's workload file would be inside their project.
const configDir = join(repoRoot, 'reports', '.options-test', `dir $(touch pwned) it's "odd"`);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(join(repoRoot, 'reports', '.options-test'), { recursive: true, force: true });
});

async function request(argv: string[]): Promise<RunRequest> {
  const r = await requestFromArgs(argv);
  if (!('request' in r)) throw new Error('expected a run request, got help');
  return r.request;
}

/** The words a POSIX shell makes of `command` (run by sh itself, in `cwd`). */
function shellWords(command: string, cwd: string): string[] {
  const out = execFileSync('sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { cwd, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** Every run option away from its default, and etcd's own --reads. */
const everyOption = [
  'etcd',
  '--variant', '3.4',
  '--nodes', '3',
  '--concurrency', '7',
  '--time-limit', '12.5',
  '--rate', '33.5',
  '--seed', '424242',
  '--nemesis', 'partition,kill,loss',
  '--nemesis-interval', '2.5',
  '--faults-overlap',
  '--backend', 'docker',
  '--op-timeout', '1500',
  '--recovery-time', '2',
  '--checker-timeout', '45',
  '--ops-per-key', '60',
  '--reads', 'serializable',
  '--out', join(tmp, 'out'),
  '--quiet',
];

describe('the option table', () => {
  it('reads every option from the command line into the resolved options', async () => {
    const test = resolveTest(await request(everyOption));
    expect(test.options).toEqual({
      workload: 'etcd',
      variant: '3.4',
      nodes: 3,
      concurrency: 7,
      timeLimit: 12.5,
      rate: 33.5,
      seed: 424242,
      nemesis: ['partition', 'kill', 'loss'],
      nemesisInterval: 2.5,
      faultsOverlap: true,
      backend: 'docker',
      opTimeoutMs: 1500,
      recoveryTime: 2,
      checkerTimeout: 45,
      opsPerKey: 60,
      reads: 'serializable',
    });
    expect(test.out).toBe(join(tmp, 'out'));
    expect(test.quiet).toBe(true);
  });

  it('a replay of a run with every option set reproduces its options exactly', async () => {
    const first = resolveTest(await request(everyOption));
    const words = shellWords(first.replay, tmp);
    expect(words.slice(0, 3)).toEqual(['npx', 'faultline', 'run']);
    const again = resolveTest(await request(words.slice(3)));
    expect(again.options).toEqual(first.options);
    // Not repeated: where the output goes and whether progress is shown.
    expect(words).not.toContain('--out');
    expect(words).not.toContain('--quiet');
  });

  it('the library API gives the same options from the same values', async () => {
    const fromArgs = resolveTest(await request(everyOption));
    const { workload, ...values } = fromArgs.options;
    const fromObject = resolveTest(await requestFromObject({ ...values, workload, verbose: false }));
    expect(fromObject.options).toEqual(fromArgs.options);
  });

  it('quotes a workload file path so that pasting the replay runs nothing', async () => {
    mkdirSync(configDir, { recursive: true });
    const config = join(configDir, 'faultline.config.mjs');
    writeFileSync(
      config,
      "export default { name: 'odd-path', service: { port: 7000, command: ['true'] }, client: { open() {}, setup() {}, invoke() {}, teardown() {}, close() {} } };\n",
    );
    const first = resolveTest(await request(['--config', config, '--seed', '5', '--nodes', '2']));
    expect(first.configPath).toBe(config);
    expect(first.replay).toContain(shellQuote(config));
    const words = shellWords(first.replay, tmp);
    expect(existsSync(join(tmp, 'pwned'))).toBe(false);
    expect(words).toContain(config);
    const again = resolveTest(await request(words.slice(3)));
    expect(again.options).toEqual(first.options);
    expect(again.configPath).toBe(config);
  });

  it("takes a workload file's opsPerKey as the default, --ops-per-key over it, and replays the value", async () => {
    mkdirSync(configDir, { recursive: true });
    const config = join(configDir, 'ops-per-key.config.mjs');
    writeFileSync(
      config,
      "export default { name: 'rotating', opsPerKey: 40, service: { port: 7000, command: ['true'] }, client: { open() {}, setup() {}, invoke() {}, teardown() {}, close() {} } };\n",
    );
    const fromFile = resolveTest(await request(['--config', config, '--seed', '5']));
    expect(fromFile.options.opsPerKey).toBe(40);
    expect(shellWords(fromFile.replay, tmp).join(' ')).toContain('--ops-per-key 40');
    const given = resolveTest(await request(['--config', config, '--seed', '5', '--ops-per-key', '90']));
    expect(given.options.opsPerKey).toBe(90);
    expect(resolveTest(await request(['register', '--seed', '5'])).options.opsPerKey).toBe(150);
    await expect(request(['register', '--ops-per-key', '0'])).rejects.toThrow(/--ops-per-key must be an integer from 1 to 100000, got "0"/);
  });

  it('shell-quotes what is not plainly safe', () => {
    expect(shellQuote('reports/register/20261126T091131.659Z')).toBe('reports/register/20261126T091131.659Z');
    expect(shellQuote("$(rm -rf ~) it's")).toBe(`'$(rm -rf ~) it'\\''s'`);
    expect(shellQuote('')).toBe(`''`);
  });

  it('takes a workload option only for the workload that declares it', async () => {
    await expect(request(['register', '--reads', 'serializable'])).rejects.toThrow(/--reads is an option of etcd, zookeeper, not of register/);
    await expect(request(['etcd', '--reads', 'stale'])).rejects.toThrow(/--reads must be one of linearizable, serializable, got "stale"/);
    await expect(requestFromObject({ workload: 'register', reads: 'serializable' })).rejects.toThrow(/unknown option "reads" for register/);
  });

  it('looks names up safely: prototype names are unknown workloads and options', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      await expect(request([name])).rejects.toThrow(new RegExp(`unknown workload "${name}"`));
      await expect(request(['register', `--${name}`, '1'])).rejects.toThrow(/Unknown option/);
      await expect(requestFromObject(JSON.parse(`{"workload": "register", "${name}": 1}`) as Record<string, unknown>)).rejects.toThrow(new RegExp(`unknown option "${name}"`));
    }
  });

  it('checks library values against the same bounds as the command line', async () => {
    await expect(requestFromObject({ workload: 'register', nodes: 0 })).rejects.toThrow(/nodes \(--nodes\) must be an integer from 1 to 9, got 0/);
    await expect(requestFromObject({ workload: 'register', faultsOverlap: 'yes' })).rejects.toThrow(UsageError);
  });
});

describe('options a workload declares', () => {
  const model = defineOption({
    key: 'consistencyModel',
    flag: 'consistency-model',
    arg: '<m>',
    type: choice(['serializable', 'snapshot-isolation', 'read-committed']),
    // The model a variant promises.
    default: ({ variant }) => (variant === 'serializable' ? 'serializable' : 'read-committed'),
    help: 'the consistency model the history is checked against',
    replay: true,
  });
  const hosts = defineOption({ key: 'sshPort', flag: 'ssh-port', type: integer(1, 65535), default: 22, help: 'port', replay: true, backends: ['docker'] });
  const txn: Workload = {
    name: 'txn-test',
    description: 'a workload declaring options',
    variants: ['serializable', 'read-committed'],
    faults: [],
    options: [model, hosts],
    build: () => {
      throw new Error('not built in this test');
    },
    checker: () => {
      throw new Error('not built in this test');
    },
  };
  const resolve = (given: [string, unknown][]) => resolveTest({ workload: txn, given: new Map(given), out: 'reports', quiet: true });

  it('fills a default that depends on the variant, and reads the value back typed', () => {
    expect(model.get(resolve([]).options)).toBe('serializable');
    expect(model.get(resolve([['variant', 'read-committed']]).options)).toBe('read-committed');
    expect(model.get(resolve([['variant', 'read-committed'], ['consistencyModel', 'snapshot-isolation']]).options)).toBe('snapshot-isolation');
  });

  it('keeps an option of one backend out of runs on another, and refuses it given', () => {
    expect(resolve([['backend', 'docker']]).options).toMatchObject({ sshPort: 22 });
    expect(resolve([]).options).not.toHaveProperty('sshPort');
    expect(() => resolve([['sshPort', 2222]])).toThrow(/--ssh-port applies to --backend docker only, not local/);
  });

  it('refuses a workload option that clashes with a run option', () => {
    const clash = { ...txn, options: [defineOption({ key: 'nodes', flag: 'nodes', type: integer(1, 3), help: 'x', replay: true })] };
    expect(() => optionsFor(clash)).toThrow(/declared twice/);
  });

  it('replays what it declares, in the same words', () => {
    const test = resolve([['variant', 'read-committed'], ['consistencyModel', 'snapshot-isolation']]);
    expect(replayCommand(test.options, optionsFor(txn))).toMatch(/--variant read-committed .*--consistency-model snapshot-isolation/);
  });
});

describe('one flag, two meanings', () => {
  const etcdReads = defineOption({ key: 'reads', flag: 'reads', type: choice(['linearizable', 'serializable']), default: 'linearizable', help: 'quorum or local reads', replay: true });
  const zkReads = defineOption({ key: 'reads', flag: 'reads', type: choice(['sync', 'local']), default: 'sync', help: 'sync before reading, or read locally', replay: true });
  const w = (name: string, options: Workload['options']) => ({ name, options });

  it('documents each declaration once, with the workloads that take it', () => {
    const table = optionsTable([w('etcd', [etcdReads]), w('zookeeper', [zkReads]), w('etcd-v2', [etcdReads])]);
    expect(table).toContain('| `--reads linearizable\\|serializable` | `linearizable` | `etcd`, `etcd-v2` only: quorum or local reads |');
    expect(table).toContain('| `--reads sync\\|local` | `sync` | `zookeeper` only: sync before reading, or read locally |');
    expect(optionsUsage([w('zookeeper', [zkReads])])).toMatch(/--reads sync\|local +zookeeper only: sync before reading, or read locally \[sync\]/);
  });
});
