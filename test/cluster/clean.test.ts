/**
 * Issue 14 (items 1 and 3): state lives in a directory only its owner can write, and
 * `faultline clean` removes only what a run recorded, once its owner is provably dead.
 * Real namespaces and processes, the real CLI; needs root. Every test uses a private state
 * directory (FAULTLINE_STATE_DIR) and no Docker engine, so runs of anyone else on this
 * machine are never in reach; namespaces get fresh run ids.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cli, repoRoot, startCli } from '../helpers/cli.js';
import { newRunId } from '../../src/cluster/names.js';
import { bootId, startTimeOf, type Owner, type Resource } from '../../src/cluster/live-runs.js';
import { cleanDocker, dockerRunAlive } from '../../src/cluster/clean-docker.js';
import { dockerClient } from '../../src/cluster/docker-connect.js';
import { skipDocker } from '../docker/docker-available.js';
import { LocalCluster } from '../../src/cluster/local.js';
import { kvSystem } from '../../src/systems/kv/system.js';
import { STATE_DIR_ENV, stateDirPath, stateSubdir } from '../../src/core/state-dir.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-test-clean-'));
chmodSync(tmp, 0o755); // another user (uid 65534) reaches its temp dir inside
const children: ChildProcess[] = [];
const namespaces: string[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const ns of namespaces) {
    try {
      if (!nsExists(ns)) continue;
      for (const pid of execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** The CLI with a private state dir and no Docker engine in reach. */
function clean(stateDir: string, env: Record<string, string> = {}) {
  return cli(['clean'], { [STATE_DIR_ENV]: stateDir, DOCKER_HOST: `unix://${join(tmp, 'no-docker.sock')}`, ...env });
}

function freshStateDir(): string {
  return mkdtempSync(join(tmp, 'state-'));
}

function writeRecord(stateDir: string, runId: string, owner: Owner, resources: Resource[]): void {
  mkdirSync(join(stateDir, 'runs'), { recursive: true, mode: 0o700 });
  writeFileSync(join(stateDir, 'runs', `${runId}.json`), JSON.stringify({ runId, owner, marked: true, resources }));
}

function nsExists(ns: string): boolean {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === ns);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, cond: () => boolean, limitMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A namespace named as a run's node namespace, with a process in it. */
async function namespaceWithProcess(runId: string, node: string): Promise<{ ns: string; pid: number }> {
  const ns = `fl-${runId}-${node}`;
  execFileSync('ip', ['netns', 'add', ns]);
  namespaces.push(ns);
  const child = spawn('ip', ['netns', 'exec', ns, 'sleep', '300'], { stdio: 'ignore', detached: true });
  children.push(child);
  await until(`a process in ${ns}`, () => execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).includes(String(child.pid)));
  return { ns, pid: child.pid! };
}

/** A live process to own a record (a harness stand-in). */
function ownerProcess(): { child: ChildProcess; owner: Owner } {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  children.push(child);
  return { child, owner: { pid: child.pid!, start: startTimeOf(child.pid!)!, boot: bootId() } };
}

describe('state directory', () => {
  const saved = process.env[STATE_DIR_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[STATE_DIR_ENV];
    else process.env[STATE_DIR_ENV] = saved;
  });

  it("is /run/faultline for root, else the user's runtime dir or a per-uid dir in the temp dir", () => {
    delete process.env[STATE_DIR_ENV];
    expect(stateDirPath()).toBe('/run/faultline');
    // Another user (uid 65534) without XDG_RUNTIME_DIR: the per-uid fallback, created 0700 and its own.
    const home = mkdtempSync(join(tmp, 'user-tmp-'));
    chmodSync(home, 0o1777);
    const script = `import('${join(repoRoot, 'dist/src/core/state-dir.js')}').then((m) => console.log(m.stateSubdir('runs', true)))`;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, TMPDIR: home };
    const out = execFileSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, env, encoding: 'utf8' }).trim();
    expect(out).toBe(join(home, 'faultline-65534', 'runs'));
    const st = lstatSync(join(home, 'faultline-65534'));
    expect([st.uid, st.mode & 0o777]).toEqual([65534, 0o700]);
    const xdg = execFileSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, env: { ...env, XDG_RUNTIME_DIR: join(home, 'faultline-65534') }, encoding: 'utf8' }).trim();
    expect(xdg).toBe(join(home, 'faultline-65534', 'faultline', 'runs'));
  });

  it('a symlinked state dir is refused (run and clean) and its target is untouched', async () => {
    const target = mkdtempSync(join(tmp, 'target-'));
    mkdirSync(join(target, 'runs'), { mode: 0o700 });
    const victim = join(target, 'runs', 'keep');
    mkdirSync(victim);
    writeFileSync(join(victim, 'file'), 'precious');
    // What clean would remove, were it to follow the link: a claim of a dead run.
    mkdirSync(join(target, 'subnets', '7'), { recursive: true, mode: 0o700 });
    writeFileSync(join(target, 'subnets', '7', 'run'), newRunId());
    const link = join(tmp, `link-${newRunId()}`);
    symlinkSync(target, link);
    process.env[STATE_DIR_ENV] = link;
    expect(() => stateSubdir('runs', true)).toThrow(new RegExp(`refusing the state directory ${link}: it is a symlink`));
    const r = await clean(link);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^faultline: refusing the state directory ${link}: it is a symlink; remove it`))]);
    expect(readdirSync(target).sort()).toEqual(['runs', 'subnets']);
    expect(readdirSync(join(target, 'subnets'))).toEqual(['7']);
    expect(readdirSync(join(target, 'runs'))).toEqual(['keep']);
    expect(readFileSync(join(victim, 'file'), 'utf8')).toBe('precious');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("a state dir of another user's, or one others may write, is refused", async () => {
    const foreign = freshStateDir();
    chownSync(foreign, 65534, 65534);
    process.env[STATE_DIR_ENV] = foreign;
    expect(() => stateSubdir('runs', true)).toThrow(/owned by uid 65534, not 0/);
    expect(existsSync(join(foreign, 'runs'))).toBe(false);
    const open = freshStateDir();
    chmodSync(open, 0o777);
    process.env[STATE_DIR_ENV] = open;
    expect(() => stateSubdir('runs', true)).toThrow(/mode 777 lets others write it/);
    const r = await clean(open);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/mode 777 lets others write it/);
  });
});

describe('faultline clean', () => {
  it('with no state directory (and no temp dir) exits 0 and says so', async () => {
    const missing = join(tmp, `missing-${newRunId()}`);
    const r = await clean(missing, { TMPDIR: join(tmp, 'no-such-tmp') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`faultline: no state directory ${missing}: no run of this user has recorded anything; nothing to clean`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(missing)).toBe(false);
  });

  it('leaves a namespace named like ours but not recorded, and its process, alone; removes a dead run\'s recorded one', async () => {
    const stateDir = freshStateDir();
    const stranger = await namespaceWithProcess(newRunId(), 'n1');
    const deadRun = newRunId();
    const recorded = await namespaceWithProcess(deadRun, 'n1');
    const dir = mkdtempSync(join(tmp, `fl-${deadRun}-`));
    // Owner: this very pid, but with another start time: the pid was reused, the run is dead.
    writeRecord(stateDir, deadRun, { pid: process.pid, start: '1', boot: bootId() }, [
      { kind: 'netns', name: recorded.ns },
      { kind: 'dir', path: dir },
    ]);
    const r = await clean(stateDir);
    expect(r.code, r.stderr).toBe(0);
    expect(nsExists(stranger.ns)).toBe(true);
    expect(alive(stranger.pid)).toBe(true);
    expect(r.stderr).toContain(`left netns ${stranger.ns} alone: no run of this user recorded it`);
    expect(r.stderr).toContain(`removed netns ${recorded.ns}`);
    expect(nsExists(recorded.ns)).toBe(false);
    await until('the recorded namespace\'s process to die', () => !alive(recorded.pid));
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(join(stateDir, 'runs'))).toEqual([]);
  });

  it("a live run's recorded resources survive clean; once its owner dies they go", async () => {
    const stateDir = freshStateDir();
    const runId = newRunId();
    const node = await namespaceWithProcess(runId, 'n1');
    const dir = mkdtempSync(join(tmp, `fl-${runId}-`));
    writeFileSync(join(dir, 'data'), 'x');
    const { child, owner } = ownerProcess();
    writeRecord(stateDir, runId, owner, [
      { kind: 'netns', name: node.ns },
      { kind: 'dir', path: dir },
    ]);
    const r = await clean(stateDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`left run ${runId} alone: its harness is still running`);
    expect(nsExists(node.ns)).toBe(true);
    expect(alive(node.pid)).toBe(true);
    expect(readFileSync(join(dir, 'data'), 'utf8')).toBe('x');
    expect(existsSync(join(stateDir, 'runs', `${runId}.json`))).toBe(true);
    child.kill('SIGKILL');
    await until('the owner to die', () => child.exitCode !== null || child.signalCode !== null);
    const after = await clean(stateDir);
    expect(after.stderr).toContain(`removed netns ${node.ns}`);
    expect(nsExists(node.ns)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('a recorded temp dir that became a symlink is not followed', async () => {
    const stateDir = freshStateDir();
    const runId = newRunId();
    const target = mkdtempSync(join(tmp, 'elsewhere-'));
    writeFileSync(join(target, 'file'), 'keep');
    const link = join(tmp, `fl-${runId}-link`);
    symlinkSync(target, link);
    writeRecord(stateDir, runId, { pid: process.pid, start: '1', boot: bootId() }, [{ kind: 'dir', path: link }]);
    const r = await clean(stateDir);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(target, 'file'), 'utf8')).toBe('keep');
    expect(r.stderr).not.toContain(`dir ${link}`);
  });

  it('a real local cluster records what it creates; clean leaves it while it lives; teardown drops the record', async () => {
    const stateDir = freshStateDir();
    const saved = process.env[STATE_DIR_ENV];
    process.env[STATE_DIR_ENV] = stateDir;
    const runId = newRunId();
    const logDir = mkdtempSync(join(tmp, 'logs-'));
    const cluster = new LocalCluster({ runId, nodes: ['n1'], system: kvSystem('careful'), logDir });
    try {
      await cluster.setup();
      const rec = JSON.parse(readFileSync(join(stateDir, 'runs', `${runId}.json`), 'utf8')) as { owner: Owner; resources: Resource[] };
      expect(rec.owner).toEqual({ pid: process.pid, start: startTimeOf(process.pid), boot: bootId() });
      const kinds = rec.resources.map((r) => `${r.kind} ${'name' in r ? r.name : r.path.replace(/-[^-/]+$/, '-X').replace(/\d+$/, 'N')}`);
      expect(kinds.sort()).toEqual([`dir ${join(tmpdir(), `fl-${runId}-X`)}`, `link fl${runId}h`, `netns fl-${runId}-hub`, `netns fl-${runId}-n1`, `subnet ${join(stateDir, 'subnets', 'N')}`]);
      const r = await clean(stateDir);
      expect(r.stderr).toContain(`left run ${runId} alone`);
      expect(nsExists(`fl-${runId}-n1`)).toBe(true);
      expect((await cluster.netExec('n1', ['true'])).exitCode).toBe(0);
    } finally {
      await cluster.teardown();
      if (saved === undefined) delete process.env[STATE_DIR_ENV];
      else process.env[STATE_DIR_ENV] = saved;
    }
    expect(nsExists(`fl-${runId}-n1`)).toBe(false);
    expect(readdirSync(join(stateDir, 'runs'))).toEqual([]);
    expect(readdirSync(join(stateDir, 'subnets'))).toEqual([]);
  });
});

describe("a normal user's clean", () => {
  it("removes its dead runs' temp dirs and records, and nothing of anyone else's", () => {
    const home = mkdtempSync(join(tmp, 'user-'));
    chmodSync(home, 0o1777); // as /tmp: sticky, anyone may add, only owners remove
    const stuck = mkdtempSync(join(home, 'fl-stuck-'));
    chmodSync(stuck, 0o755);
    const inStuck = join(stuck, 'dir');
    mkdirSync(inStuck);
    const state = join(home, 'state');
    mkdirSync(join(state, 'runs'), { recursive: true, mode: 0o700 });
    const own = join(home, 'fl-own');
    const roots = mkdtempSync(join(home, 'fl-root-'));
    mkdirSync(own);
    const runId = newRunId();
    writeRecord(state, runId, { pid: process.pid, start: '1', boot: bootId() }, [
      { kind: 'dir', path: own },
      { kind: 'dir', path: roots },
    ]);
    // A second dead run whose dir sits where the user may not delete: reported, record kept.
    const stuckRun = newRunId();
    writeRecord(state, stuckRun, { pid: process.pid, start: '1', boot: bootId() }, [{ kind: 'dir', path: inStuck }]);
    for (const p of [state, join(state, 'runs'), join(state, 'runs', `${runId}.json`), join(state, 'runs', `${stuckRun}.json`), own, inStuck]) chownSync(p, 65534, 65534);
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin/faultline.js'), 'clean'], {
      uid: 65534,
      gid: 65534,
      env: { PATH: process.env.PATH, [STATE_DIR_ENV]: state, DOCKER_HOST: `unix://${join(tmp, 'no-docker.sock')}` },
      encoding: 'utf8',
    });
    expect(r.stderr).toContain(`removed dir ${own}`);
    expect(existsSync(own)).toBe(false);
    expect(existsSync(roots)).toBe(true);
    expect(r.stderr).toContain(`faultline: could not remove dir ${inStuck} (EACCES): remove it by hand, then run faultline clean again`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(3);
    expect(readdirSync(join(state, 'runs'))).toEqual([`${stuckRun}.json`]);
  });
});

describe('a SIGKILLed harness', () => {
  it('clean removes exactly what its run recorded: namespaces, node processes, temp dir, claim, record', async () => {
    const stateDir = freshStateDir();
    const env = { [STATE_DIR_ENV]: stateDir };
    const { child, done } = startCli(['run', 'register', '--nodes', '3', '--seed', '6', '--time-limit', '60', '--out', join(tmp, 'reports')], env);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await until('the run to be under way', () => /\] ops [1-9]/.test(stderr), 60_000);
    const runId = /run ([0-9a-f]{6})/.exec(stderr)![1]!;
    const rec = JSON.parse(readFileSync(join(stateDir, 'runs', `${runId}.json`), 'utf8')) as { owner: Owner; resources: Resource[] };
    expect(rec.owner.pid).toBe(child.pid);
    const dir = rec.resources.flatMap((r) => (r.kind === 'dir' ? [r.path] : []));
    expect(dir).toHaveLength(1);
    child.kill('SIGKILL');
    await done;
    const nodePids = ['n1', 'n2', 'n3'].flatMap((n) => execFileSync('ip', ['netns', 'pids', `fl-${runId}-${n}`], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number));
    expect(nodePids).toHaveLength(3);
    expect(readdirSync(join(stateDir, 'subnets'))).toHaveLength(1);
    const r = await clean(stateDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`removed netns fl-${runId}-hub`);
    for (const n of ['hub', 'n1', 'n2', 'n3']) expect(nsExists(`fl-${runId}-${n}`)).toBe(false);
    await until('the node processes to die', () => nodePids.every((p) => !alive(p)));
    expect(existsSync(dir[0]!)).toBe(false);
    expect(readdirSync(join(stateDir, 'subnets'))).toEqual([]);
    expect(readdirSync(join(stateDir, 'runs'))).toEqual([]);
  });
});

describe('Docker runs: alive or not, by record and owner label', () => {
  const label = (o: Owner) => ({ 'faultline.run': 'abcdef', 'faultline.owner': `${o.boot}/${o.pid}/${o.start}` });
  const me: Owner = { pid: process.pid, start: startTimeOf(process.pid)!, boot: bootId() };

  it('judges by the owner label: a live owner, a reused pid, another boot with or without running containers, no label', () => {
    process.env[STATE_DIR_ENV] = freshStateDir();
    try {
      const runId = newRunId();
      expect(dockerRunAlive(runId, [label(me)], false)).toBe(true);
      expect(dockerRunAlive(runId, [label({ ...me, start: '1' })], true)).toBe(false);
      const elsewhere = { ...me, boot: 'another-boot' };
      expect(dockerRunAlive(runId, [label(elsewhere)], true)).toBe(true);
      expect(dockerRunAlive(runId, [label(elsewhere)], false)).toBe(false);
      expect(dockerRunAlive(runId, [{ 'faultline.run': runId }], true)).toBe(false);
      // No owner label, but this user's record says its owner lives.
      writeRecord(process.env[STATE_DIR_ENV]!, runId, me, [{ kind: 'network', name: `fl-${runId}` }]);
      expect(dockerRunAlive(runId, [{ 'faultline.run': runId }], false)).toBe(true);
    } finally {
      delete process.env[STATE_DIR_ENV];
    }
  });
});

describe.skipIf(skipDocker)('a SIGKILLed harness on the Docker backend', () => {
  it("is alive by its owner label for anyone's clean while it runs, and removed once dead", async () => {
    const stateDir = freshStateDir();
    const { child, done } = startCli(['run', 'register', '--backend', 'docker', '--nodes', '3', '--seed', '6', '--time-limit', '60', '--out', join(tmp, 'reports')], { [STATE_DIR_ENV]: stateDir });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await until('the run to be under way', () => /\] ops [1-9]/.test(stderr), 90_000);
      const runId = /run ([0-9a-f]{6})/.exec(stderr)![1]!;
      const scope = new Set([runId]);
      const saved = process.env[STATE_DIR_ENV];
      try {
        // Another user's clean: no record of this run in its state dir, only the labels.
        process.env[STATE_DIR_ENV] = freshStateDir();
        const live: string[] = [];
        expect((await cleanDocker(live, scope)).removed).toEqual([]);
        expect(live).toEqual([runId]);
        child.kill('SIGKILL');
        await done;
        // The run's own user: its record says the owner is dead.
        process.env[STATE_DIR_ENV] = stateDir;
        const after = await cleanDocker([], scope);
        expect(after.removed).toContain(`network fl-${runId}`);
        expect(after.removed.filter((r) => r.startsWith('container '))).toHaveLength(6);
      } finally {
        if (saved === undefined) delete process.env[STATE_DIR_ENV];
        else process.env[STATE_DIR_ENV] = saved;
      }
      const filters = JSON.stringify({ label: [`faultline.run=${runId}`] });
      expect(await dockerClient().listContainers({ all: true, filters })).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
