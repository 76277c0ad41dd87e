/**
 * The Docker backend with the partition, kill and pause fault packages on a real 3-node careful kv cluster: the
 * network and its subnet, published ports, iptables partitions from the host with nsenter,
 * SIGKILL/restart (rules survive it), pause/resume, log copies, teardown by label.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/clients/http-transport.js';
import { dockerClient } from '../../src/cluster/docker-connect.js';
import { DockerCluster } from '../../src/cluster/docker.js';
import { newRunId } from '../../src/cluster/names.js';
import { ownerLabel, readRecord } from '../../src/cluster/live-runs.js';
import { dockerRunAlive } from '../../src/cluster/clean-docker.js';
import type { TestOptions } from '../../src/core/test.js';
import type { TestRuntime } from '../../src/cluster/test-runtime.js';
import { completeGrudge } from '../../src/nemesis/grudge.js';
import { kill } from '../../src/nemesis/kill.js';
import { pause } from '../../src/nemesis/pause.js';
import { partition } from '../../src/nemesis/partition.js';
import { kvSystem } from '../../src/systems/kv/system.js';
import { requireDocker, skipDocker } from './docker-available.js';

const runId = newRunId();
const logDir = mkdtempSync(join(tmpdir(), 'fl-test-docker-'));
// Published ports explicitly: the path for engines whose bridge the harness cannot route to
// (client-address.test.ts covers the container addresses used where it can).
const cluster = new DockerCluster({ runId, nodes: ['n1', 'n2', 'n3'], system: kvSystem('careful'), logDir, clientAddress: 'published' });
const test: TestRuntime = { runId, runDir: logDir, options: {} as TestOptions, cluster, log: pino({ level: 'silent' }), now: () => 0 };

function url(node: string): string {
  const a = cluster.address(node);
  return `http://${a.host}:${a.port}`;
}
const call = (node: string, path: string, body: unknown, timeoutMs = 3000) => httpRequest(url(node), path, body, { timeoutMs });
const labelled = async () => {
  const d = dockerClient();
  const filters = JSON.stringify({ label: [`faultline.run=${runId}`] });
  return { containers: await d.listContainers({ all: true, filters }), networks: await d.listNetworks({ filters }), volumes: (await d.listVolumes({ filters })).Volumes ?? [] };
};

describe.skipIf(skipDocker)('docker cluster backend', () => {
  beforeAll(async () => {
    requireDocker();
    await cluster.setup();
  }, 120_000);
  afterAll(async () => {
    await cluster.teardown();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('runs every node in a labelled container with its own IP, reachable on 127.0.0.1', async () => {
    const { containers, networks, volumes } = await labelled();
    expect(containers.map((c) => c.Names[0]).sort()).toEqual([`/fl-${runId}-n1`, `/fl-${runId}-n1-net`, `/fl-${runId}-n2`, `/fl-${runId}-n2-net`, `/fl-${runId}-n3`, `/fl-${runId}-n3-net`]);
    expect(networks.map((n) => n.Name)).toEqual([`fl-${runId}`]);
    expect(volumes.length).toBe(3);
    // Every object names its owner (this process), so any user's `faultline clean` leaves it
    // alone while we live; the run's record lists them all (live-runs.ts).
    const owner = ownerLabel();
    expect(owner).toMatch(new RegExp(`/${process.pid}/\\d+$`));
    for (const o of [...containers, ...networks, ...volumes]) expect(o.Labels?.['faultline.owner']).toBe(owner);
    expect(dockerRunAlive(runId, containers.map((c) => c.Labels), true)).toBe(true);
    const recorded = readRecord(runId)!.resources.map((r) => `${r.kind} ${'name' in r ? r.name : 'dir'}`);
    expect(recorded.sort()).toEqual([`network fl-${runId}`, ...['n1', 'n2', 'n3'].flatMap((n) => [`container fl-${runId}-${n}`, `container fl-${runId}-${n}-net`, `volume fl-${runId}-${n}-data`])].sort());
    expect(cluster.ip('n1')).toMatch(/^10\.214\.\d+\.11$/);
    expect(cluster.address('n2').host).toBe('127.0.0.1');
    const addr = await cluster.netExec('n2', ['ip', '-4', '-o', 'addr', 'show', 'eth0']);
    expect(addr.stdout).toContain(cluster.ip('n2'));
    expect((await call('n2', '/write', { key: 'a', value: 1 })).status).toBe(200);
    expect((await call('n3', '/read', { key: 'a' })).body).toEqual({ ok: true, value: 1 });
  });

  it('execs a program inside a node container', async () => {
    const r = await cluster.exec('n1', [process.execPath, '-e', 'console.log(require("os").hostname()); console.error("to stderr"); process.exit(3)']);
    expect(r).toEqual({ exitCode: 3, stdout: 'n1\n', stderr: 'to stderr\n' });
  });

  it('partitions node-to-node traffic; the rules survive a restart of the node', async () => {
    const nem = partition.nemesis({});
    await nem.setup(test);
    await nem.invoke(test, { f: 'start-partition', value: completeGrudge([['n1'], ['n2', 'n3']]) });
    expect((await cluster.netExec('n2', ['iptables', '-S', 'FAULTLINE'])).stdout).toContain(`-s ${cluster.ip('n1')}/32 -j DROP`);
    const cut = await call('n2', '/write', { key: 'a', value: 2 });
    expect(cut.status).toBe(503);
    expect((await call('n1', '/read', { key: 'a' })).body).toEqual({ ok: true, value: 1 });
    await cluster.kill('n2');
    await cluster.start('n2');
    expect((await cluster.netExec('n2', ['iptables', '-S', 'FAULTLINE'])).stdout).toContain(`-s ${cluster.ip('n1')}/32 -j DROP`);
    await nem.invoke(test, { f: 'stop-partition', value: null });
    expect((await call('n2', '/write', { key: 'a', value: 3 })).status).toBe(200);
    await nem.teardown(test);
  });

  // Later tests use keys of their own: the write cut off by the partition above is
  // indeterminate and may still land on key a at any time.
  it('kills with SIGKILL and restarts a node with its data', async () => {
    expect((await call('n2', '/write', { key: 'b', value: 7 })).status).toBe(200);
    const nem = kill.nemesis({});
    await nem.invoke(test, { f: 'kill', value: ['n1'] });
    expect(cluster.isRunning('n1')).toBe(false);
    await expect(call('n1', '/read', { key: 'a' }, 1000)).rejects.toBeDefined();
    await nem.invoke(test, { f: 'start', value: 'all' });
    expect(cluster.isRunning('n1')).toBe(true);
    expect((await call('n3', '/read', { key: 'b' })).body).toEqual({ ok: true, value: 7 });
    await cluster.syncLog('n1');
    expect(readFileSync(cluster.logs('n1'), 'utf8')).toMatch(/replayed \d+ log entries/);
  });

  it('pauses (requests hang) and resumes', async () => {
    expect((await call('n1', '/write', { key: 'c', value: 9 })).status).toBe(200);
    const nem = pause.nemesis({});
    await nem.invoke(test, { f: 'pause', value: ['n3'] });
    await expect(call('n3', '/read', { key: 'c' }, 500)).rejects.toMatchObject({ code: 'timeout' });
    await nem.invoke(test, { f: 'resume', value: 'all' });
    expect((await call('n3', '/read', { key: 'c' })).body).toEqual({ ok: true, value: 9 });
  });

  it('teardown removes every container, volume and network of the run', async () => {
    await cluster.teardown();
    expect(readFileSync(cluster.logs('n1'), 'utf8').length).toBeGreaterThan(0);
    const left = await labelled();
    expect([...left.containers, ...left.networks, ...left.volumes]).toEqual([]);
    expect(readRecord(runId)).toBeUndefined();
  });
});
