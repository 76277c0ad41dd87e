/**
 * The fault kinds beyond partition/kill/pause on the Docker backend (3 careful kv nodes
 * under libfaketime): clock skew through a bind-mounted offset file, latency through the
 * proxy helper container, packet loss and bandwidth limits in the holder's namespace.
 * Probes run in node namespaces (nsenter) and reach only the cluster's own addresses.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/clients/http-transport.js';
import { DockerCluster } from '../../src/cluster/docker.js';
import { newRunId } from '../../src/cluster/names.js';
import type { TestOptions } from '../../src/core/test.js';
import type { TestRuntime } from '../../src/cluster/test-runtime.js';
import { faults } from '../../src/nemesis/faults.js';
import { kvSystem } from '../../src/systems/kv/system.js';
import { requireDocker, skipDocker } from './docker-available.js';

const runId = newRunId();
const logDir = mkdtempSync(join(tmpdir(), 'fl-test-docker-faults-'));
const system = kvSystem('careful');
const cluster = new DockerCluster({ runId, nodes: ['n1', 'n2', 'n3'], system, logDir, fakeTime: true });
const test: TestRuntime = { runId, runDir: logDir, options: {} as TestOptions, cluster, log: pino({ level: 'silent' }), now: () => 0 };
const nemesis = faults(['clock', 'loss', 'bandwidth', 'latency'], { nodes: cluster.nodes, interval: 1, primary: system.primary!, port: system.port }).nemesis;

const kv = (node: string, timeoutMs = 2000) => {
  const a = cluster.address(node);
  return httpRequest(`http://${a.host}:${a.port}`, '/health', undefined, { timeoutMs, method: 'GET' });
};

/** One HTTP request from `from`'s namespace to `to`'s kv service: its milliseconds, or why it failed. */
async function request(from: string, to: string, timeoutMs: number): Promise<{ ms: number } | { failed: string }> {
  const script = `const t=Date.now();require('http').get('http://${cluster.ip(to)}:${system.port}/health',r=>{r.resume();r.on('end',()=>{console.log(Date.now()-t);process.exit(0)})}).on('error',e=>{console.error(e.message);process.exit(1)});setTimeout(()=>{console.error('no answer');process.exit(2)},${timeoutMs})`;
  const r = await cluster.netExec(from, [process.execPath, '-e', script]);
  return r.exitCode === 0 ? { ms: Number(r.stdout.trim()) } : { failed: r.stderr.trim() || `exit ${r.exitCode}` };
}

/** Milliseconds for one request from `from` to `to`; fails the test when there is no answer. */
async function rtt(from: string, to: string): Promise<number> {
  const r = await request(from, to, 3000);
  if ('failed' in r) throw new Error(`${from} → ${to}: ${r.failed}`);
  return r.ms;
}

/** Whether `to` answers a request from `from` within `timeoutMs`. */
const answers = async (from: string, to: string, timeoutMs = 3000): Promise<boolean> => 'ms' in (await request(from, to, timeoutMs));

describe.skipIf(skipDocker)('more faults on the docker backend', () => {
  beforeAll(async () => {
    requireDocker();
    await cluster.setup();
    await nemesis.setup(test);
  }, 120_000);
  afterAll(async () => {
    await nemesis.teardown(test).catch(() => undefined);
    await cluster.teardown();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('a clock bump shifts a container’s wall clock; reset puts it back', async () => {
    const skew = async (node: string) => ((await kv(node)).body as { now: number }).now - Date.now();
    expect(Math.abs(await skew('n3'))).toBeLessThan(1000);
    await nemesis.invoke(test, { f: 'clock-bump', value: { n3: -120 } });
    expect(await skew('n3')).toBeLessThan(-119_000);
    expect(Math.abs(await skew('n2'))).toBeLessThan(1000);
    await nemesis.invoke(test, { f: 'clock-reset', value: 'all' });
    expect(Math.abs(await skew('n3'))).toBeLessThan(1000);
  });

  it('latency slows node-to-node requests through the proxy container; stop restores', async () => {
    const before = await rtt('n2', 'n1');
    const r = await nemesis.invoke(test, { f: 'start-latency', value: { nodes: ['n1'], delayMs: 300, jitterMs: 0, resetProbability: 0 } });
    expect(r.type).toBe('ok');
    expect(await rtt('n2', 'n1')).toBeGreaterThanOrEqual(550);
    expect(await rtt('n2', 'n3')).toBeLessThan(before + 300);
    await nemesis.invoke(test, { f: 'stop-latency', value: null });
    expect(await rtt('n2', 'n1')).toBeLessThan(before + 300);
    expect(existsSync(join(logDir, 'n1.helper.log'))).toBe(true);
  });

  it('total packet loss cuts peers off but not clients; stop restores', async () => {
    await nemesis.invoke(test, { f: 'start-loss', value: { nodes: ['n1'], probability: 1 } });
    expect(await answers('n2', 'n1', 800)).toBe(false);
    expect((await kv('n1')).status).toBe(200);
    await nemesis.invoke(test, { f: 'stop-loss', value: null });
    expect(await answers('n2', 'n1')).toBe(true);
  });

  it('a bandwidth limit installs a tbf qdisc in the node namespace; stop removes it', async () => {
    await nemesis.invoke(test, { f: 'start-bandwidth', value: { nodes: ['n3'], rate: '64kbit' } });
    expect((await cluster.netExec('n3', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).toMatch(/tbf .*rate 64Kbit/);
    await nemesis.invoke(test, { f: 'stop-bandwidth', value: null });
    expect((await cluster.netExec('n3', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).not.toMatch(/tbf/);
  });
});
