/**
 * The SSH backend for real: three "hosts" built as network namespaces of this machine, each
 * running Debian's sshd with a host key of its own and a generated client key authorized
 * (src/testing/netns-ssh-hosts.ts). Nodes are started, faulted and removed over ssh; the
 * register and etcd workloads and a workload file (examples/python-kv) run through
 * `--backend ssh` and get the local backend's verdicts; `clean --hosts` removes what a
 * killed harness left; a
 * wrong key, an unreachable host and a host key mismatch are one line and exit 3. Needs
 * root and /usr/sbin/sshd (openssh-server; .ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/clients/http-transport.js';
import { newRunId } from '../../src/cluster/names.js';
import { SshCluster, remoteRunDir } from '../../src/cluster/ssh.js';
import { parseHosts } from '../../src/cluster/ssh-hosts.js';
import type { TestRuntime } from '../../src/cluster/test-runtime.js';
import type { TestOptions } from '../../src/core/test.js';
import { completeGrudge } from '../../src/nemesis/grudge.js';
import { latency, PROXY_PORT } from '../../src/nemesis/latency.js';
import { partition } from '../../src/nemesis/partition.js';
import { kvSystem } from '../../src/systems/kv/system.js';
import { buildNetnsSshHosts, SSHD, type NetnsSshHosts } from '../../src/testing/netns-ssh-hosts.js';
import { cli, repoRoot, runDirOf, startCli } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-ssh');
let hosts: NetnsSshHosts;

beforeAll(async () => {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: apt-get install -y openssh-server`);
  hosts = await buildNetnsSshHosts(3);
});
afterAll(async () => {
  await hosts?.remove();
  rmSync(out, { recursive: true, force: true });
}, 30_000);

/** Processes in a host's namespace other than its sshd (and the sessions sshd forks). */
function strays(ns: string): string[] {
  const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
  return pids
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        return '';
      }
    })
    .filter((cmd) => cmd !== '' && !cmd.startsWith('sshd') && !cmd.startsWith(SSHD));
}

/** Every iptables rule and chain of a host, all tables. */
function rulesOf(ns: string): string {
  return ['filter', 'nat'].map((t) => execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-w', '-t', t, '-S'], { encoding: 'utf8' })).join('');
}

/** Asserts a run left nothing on any host: no process, no chain, no run directory. */
async function expectNothingLeft(runId: string): Promise<void> {
  for (const h of hosts.hosts) {
    expect(strays(h.ns), `processes left in ${h.ns}`).toEqual([]);
    expect(rulesOf(h.ns)).not.toContain(runId);
    expect(rulesOf(h.ns)).not.toMatch(/FAULTLINE/);
  }
  // The hosts share this machine's filesystem: their run directories are visible here.
  expect(readdirSync('/tmp').filter((e) => e.startsWith(`faultline-${runId}-`))).toEqual([]);
  expect(existsSync(join(tmpdir(), `fl-${runId}`))).toBe(false);
  // No ssh of the run left here either (master connections, sessions): a session whose
  // remote command just ended may take a moment to exit.
  const until = Date.now() + 5000;
  while (sshOf(runId) !== '' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(sshOf(runId)).toBe('');
}

function sshOf(runId: string): string {
  try {
    return execFileSync('pgrep', ['-af', `ControlPath=${join(tmpdir(), `fl-${runId}`)}/`], { encoding: 'utf8' });
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

describe('ssh backend', () => {
  it('runs nodes on the hosts, faults them over ssh, and leaves nothing at teardown', async () => {
    const runId = newRunId();
    const logDir = mkdtempSync(join(tmpdir(), 'fl-test-ssh-'));
    const cluster = new SshCluster({
      runId,
      nodes: ['n1', 'n2', 'n3'],
      system: kvSystem('careful'),
      hosts: parseHosts(hosts.hostsArg.split(','), 'test'),
      logDir,
      key: hosts.key,
      knownHosts: hosts.knownHosts,
    });
    const test: TestRuntime = { runId, runDir: logDir, options: {} as TestOptions, cluster, log: pino({ level: 'silent' }), now: () => 0 };
    const call = (node: string, path: string, body: unknown) => httpRequest(`http://${cluster.ip(node)}:${cluster.address(node).port}`, path, body, { timeoutMs: 3000 });
    try {
      await cluster.setup();
      // Each node is a process in its host's namespace, at the host's address.
      for (const h of hosts.hosts) {
        expect(cluster.ip(h.node)).toBe(h.ip);
        expect(strays(h.ns).join('\n')).toMatch(new RegExp(`kv/server\\.js --id ${h.node} `));
        // Started from the uploaded copy of the package, not this machine's dist/.
        expect(strays(h.ns).join('\n')).toContain(`${remoteRunDir(runId, h.node)}/pkg/dist/`);
      }
      expect((await call('n1', '/write', { key: 'a', value: 1 })).status).toBe(200);
      expect((await call('n3', '/read', { key: 'a' })).body).toEqual({ ok: true, value: 1 });

      // Partition through the fault package: the chain on the host carries the run id.
      const nemesis = partition.nemesis({});
      await nemesis.setup(test);
      await nemesis.invoke(test, { f: 'start-partition', value: { grudge: completeGrudge([['n1'], ['n2', 'n3']]) } });
      const h1 = hosts.hosts[0]!;
      expect(rulesOf(h1.ns)).toContain(`-A FAULTLINE-${runId} -s ${cluster.ip('n2')}/32 -j DROP`);
      expect(rulesOf(h1.ns)).toContain(`-A INPUT -j FAULTLINE-${runId}`);
      // n2 forwards writes to the primary n1, which it cannot reach any more; clients still reach n1.
      const cut = await call('n2', '/write', { key: 'a', value: 2 });
      expect(cut.status).toBe(503);
      expect((await call('n1', '/read', { key: 'a' })).body).toEqual({ ok: true, value: 1 });
      await nemesis.invoke(test, { f: 'stop-partition', value: null });
      expect(rulesOf(h1.ns)).not.toContain(`-s ${cluster.ip('n2')}/32 -j DROP`);
      expect((await call('n2', '/write', { key: 'a', value: 3 })).status).toBe(200);

      // Latency: the proxy runs on the host (a helper), peers' traffic is redirected into it.
      const slow = latency.nemesis({ port: cluster.address('n2').port });
      await slow.setup(test);
      const h2 = hosts.hosts[1]!;
      await slow.invoke(test, { f: 'start-latency', value: { nodes: ['n2'], delayMs: 50, jitterMs: 0, resetProbability: 0 } });
      expect(strays(h2.ns).join('\n')).toContain(`${remoteRunDir(runId, 'n2')}/pkg/dist/src/nemesis/latency-proxy.js`);
      expect(rulesOf(h2.ns)).toContain(`-A FAULTLINE-LAT-${runId} -s ${cluster.ip('n1')}/32 -p tcp -m tcp --dport 8000 -j REDIRECT --to-ports ${PROXY_PORT}`);
      expect((await call('n2', '/write', { key: 'a', value: 4 })).status).toBe(200);
      await slow.teardown(test);
      expect(strays(h2.ns).join('\n')).not.toContain('latency-proxy');

      // Kill and restart: data kept, same address.
      await cluster.kill('n2');
      expect(cluster.isRunning('n2')).toBe(false);
      expect(strays(hosts.hosts[1]!.ns)).toEqual([]);
      await cluster.start('n2');
      expect(cluster.isRunning('n2')).toBe(true);
      expect((await call('n2', '/read', { key: 'a' })).body).toMatchObject({ ok: true });

      // Pause: the process is stopped (state T) until resumed.
      await cluster.pause('n3');
      const pid3 = execFileSync('ip', ['netns', 'pids', hosts.hosts[2]!.ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('kv/server.js'))!;
      expect(readFileSync(`/proc/${pid3}/status`, 'utf8')).toMatch(/^State:\s+T/m);
      await cluster.resume('n3');
      expect(readFileSync(`/proc/${pid3}/status`, 'utf8')).not.toMatch(/^State:\s+T/m);
      await nemesis.teardown(test);
    } finally {
      await cluster.teardown();
    }
    await expectNothingLeft(runId);
    // Logs were fetched from the hosts.
    expect(readFileSync(join(logDir, 'n1.log'), 'utf8').length).toBeGreaterThan(0);
    rmSync(logDir, { recursive: true, force: true });
  });

  it('register through --backend ssh with partitions and kills: careful is valid, as on the local backend', async () => {
    const r = await cli([
      'run', 'register', '--variant', 'careful', '--seed', '3',
      '--backend', 'ssh', '--hosts', hosts.hostsArg, '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts,
      '--nemesis', 'partition,kill', '--time-limit', '10', '--nemesis-interval', '1.5', '--recovery-time', '1', '--quiet', '--out', out,
    ]);
    expect(r.stderr).toMatch(/VALID/);
    expect(r.code, r.stderr).toBe(0);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const test = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8'));
    // As many nodes as hosts, and the hosts recorded for a replay.
    expect(test.options).toMatchObject({ backend: 'ssh', nodes: 3, sshHosts: hosts.hostsArg });
    expect(test.replay).toContain('--hosts');
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe(true);
    expect(results.linearizability.valid).toBe(true);
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history.some((o) => o.process === 'nemesis' && o.f === 'start-partition' && o.type === 'ok')).toBe(true);
    expect(history.some((o) => o.process === 'nemesis' && o.f === 'kill' && o.type === 'ok')).toBe(true);
    expect(readdirSync(join(dir, 'nodes')).sort()).toEqual(['n1.log', 'n2.log', 'n3.log']);
    await expectNothingLeft(test.runId);
  });

  it('etcd through --backend ssh: linearizable, as on the local backend', async () => {
    const r = await cli([
      'run', 'etcd', '--seed', '3', '--backend', 'ssh', '--hosts', hosts.hostsArg, '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts,
      '--nemesis', 'partition,kill', '--time-limit', '10', '--nemesis-interval', '1.5', '--recovery-time', '2', '--quiet', '--out', out,
    ]);
    expect(r.stderr).toMatch(/VALID/);
    expect(r.code, r.stderr).toBe(0);
    await expectNothingLeft(JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(r.stderr)), 'test.json'), 'utf8')).runId);
  });

  it('a workload file\'s service (examples/python-kv) runs from its directory uploaded to the host, with the local verdicts', async () => {
    const run = (variant: string) =>
      cli([
        'run', '--config', 'examples/python-kv/faultline.config.ts', '--variant', variant, '--seed', '2', '--nodes', '1',
        '--backend', 'ssh', '--hosts', hosts.hostsArg, '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts,
        '--nemesis', 'kill', '--time-limit', '8', '--nemesis-interval', '1', '--quiet', '--out', out,
      ]);
    const durable = await run('durable');
    expect(durable.code, durable.stderr).toBe(0);
    const dir = resolve(repoRoot, runDirOf(durable.stderr));
    const runId = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')).runId;
    expect(readFileSync(join(dir, 'faultline.log'), 'utf8')).toContain(`in ${remoteRunDir(runId, 'n1')}/svc`);
    await expectNothingLeft(runId);
    const memory = await run('memory');
    expect(memory.stderr).toMatch(/INVALID/);
    expect(memory.code, memory.stderr).toBe(1);
  });

  it('after a harness killed outright, clean --hosts removes what its run left on the hosts, and only that', async () => {
    const { child, done } = startCli([
      'run', 'register', '--seed', '7', '--backend', 'ssh', '--hosts', hosts.hostsArg, '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts,
      '--nemesis', 'partition', '--nemesis-interval', '1', '--time-limit', '60', '--out', out,
    ]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait for the nodes to be up and a partition's chain to exist (the run prints its id first).
    const deadline = Date.now() + 60_000;
    let runId: string | undefined;
    while (Date.now() < deadline) {
      runId ??= /run ([0-9a-f]{6})/.exec(stderr)?.[1];
      if (runId && hosts.hosts.every((h) => rulesOf(h.ns).includes(`FAULTLINE-${runId}`)) && hosts.hosts.every((h) => strays(h.ns).some((c) => c.includes('kv/server.js')))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(runId, stderr).toBeDefined();
    child.kill('SIGKILL');
    await done;
    // Left behind: node processes, chains, run directories.
    expect(strays(hosts.hosts[0]!.ns).join('\n')).toContain('kv/server.js');
    expect(readdirSync('/tmp').filter((e) => e.startsWith(`faultline-${runId}-`)).sort()).toEqual([`faultline-${runId}-n1`, `faultline-${runId}-n2`, `faultline-${runId}-n3`]);
    // Something of another run that is not Faultline's chain must survive: a rule of the host's own.
    const h1 = hosts.hosts[0]!;
    execFileSync('ip', ['netns', 'exec', h1.ns, 'iptables', '-w', '-N', 'HOSTS-OWN']);
    try {
      const r = await cli(['clean', '--hosts', hosts.hostsArg, '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`removed dir /tmp/faultline-${runId}-n1`);
      expect(r.stderr).toMatch(new RegExp(`removed chain FAULTLINE-${runId} on root@`));
      // The processes may take a moment to be reaped after SIGKILL.
      const until = Date.now() + 10_000;
      while (Date.now() < until && hosts.hosts.some((h) => strays(h.ns).length > 0)) await new Promise((r) => setTimeout(r, 100));
      await expectNothingLeft(runId!);
      expect(rulesOf(h1.ns)).toContain('-N HOSTS-OWN');
      // Twice is harmless.
      expect((await cli(['clean', '--hosts', hosts.hostsArg, '--ssh-key', hosts.key, '--known-hosts', hosts.knownHosts])).stderr).toContain('nothing to clean on the hosts');
    } finally {
      execFileSync('ip', ['netns', 'exec', h1.ns, 'iptables', '-w', '-X', 'HOSTS-OWN']);
    }
  });

  const args = (hostsArg: string, more: string[]) => ['run', 'register', '--backend', 'ssh', '--hosts', hostsArg, '--known-hosts', hosts.knownHosts, '--time-limit', '2', '--quiet', '--out', out, ...more];
  const runIdOf = (stderr: string) => /run ([0-9a-f]{6})/.exec(stderr)?.[1];

  it('a wrong key is one line naming the host and the cause, exit 3', async () => {
    const r = await cli(args(hosts.hostsArg, ['--ssh-key', hosts.wrongKey]));
    expect(r.code, r.stderr).toBe(3);
    // Besides the run's two header lines (what runs, where its output goes).
    const lines = r.stderr.trim().split('\n').filter((l) => !/^faultline: (register \(|output in )/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ssh n1 \(root@[\d.]+:22\): authentication refused \(key .*wrong_key\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unreachable host stops the run before anything starts on the others, exit 3', async () => {
    const [h1, h2, h3] = hosts.hosts;
    // Nothing listens on port 2222 of the third host.
    const r = await cli(args(`n1=root@${h1!.ip},n2=root@${h2!.ip},n3=root@${h3!.ip}:2222`, ['--ssh-key', hosts.key]));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`ssh n3 \\(root@${h3!.ip.replace(/\./g, '\\.')}:2222\\): unreachable: connection refused`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const runId = runIdOf(r.stderr);
    expect(runId).toBeDefined();
    await expectNothingLeft(runId!);
  });

  it('two nodes on one address are refused before anything starts, exit 4', async () => {
    const ip = hosts.hosts[0]!.ip;
    const r = await cli(args(`n1=root@${ip},n2=root@${ip}:22`, ['--ssh-key', hosts.key]));
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`--hosts: n1 and n2 are both at ${ip}; give each node a host (an address) of its own`);
    await expectNothingLeft(runIdOf(r.stderr)!);
  });

  // The hosts share this machine's programs: where sudo is installed, it works for root.
  it.skipIf(existsSync('/usr/bin/sudo'))('--sudo where the hosts have no sudo is one line naming the host and the cause, exit 3', async () => {
    const r = await cli(args(hosts.hostsArg, ['--ssh-key', hosts.key, '--sudo']));
    expect(r.code, r.stderr).toBe(3);
    const lines = r.stderr.trim().split('\n').filter((l) => !/^faultline: (register \(|output in )/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ssh n1 \(root@[\d.]+:22\): sudo is not installed there \(apt-get install -y sudo\), or log in as root without --sudo$/);
    await expectNothingLeft(runIdOf(r.stderr)!);
  });

  it('a host key that differs from known_hosts is refused, exit 3', async () => {
    // Swap the first two hosts' keys: both are then "changed".
    const swapped = mkdtempSync(join(tmpdir(), 'fl-test-ssh-kh-'));
    const lines = readFileSync(hosts.knownHosts, 'utf8').trim().split('\n');
    const [a, b] = [lines[0]!.split(' '), lines[1]!.split(' ')];
    writeFileSync(join(swapped, 'known_hosts'), [`${a[0]} ${b.slice(1).join(' ')}`, `${b[0]} ${a.slice(1).join(' ')}`, lines[2]].join('\n') + '\n');
    const r = await cli(['run', 'register', '--backend', 'ssh', '--hosts', hosts.hostsArg, '--known-hosts', join(swapped, 'known_hosts'), '--ssh-key', hosts.key, '--time-limit', '2', '--quiet', '--out', out]);
    rmSync(swapped, { recursive: true, force: true });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/ssh n1 \(root@[\d.]+:22\): host key (mismatch|unknown or mismatched)/);
  });
});
