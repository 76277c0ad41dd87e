/**
 * Every fault kind on a real local cluster (3 careful kv nodes in network namespaces, run
 * under libfaketime): each test shows the fault took effect and that healing undoes it.
 * Reachability is probed from inside node namespaces, to the cluster's own addresses only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/clients/http-transport.js';
import { LocalCluster } from '../../src/cluster/local.js';
import { newRunId } from '../../src/cluster/names.js';
import type { TestOptions } from '../../src/core/test.js';
import type { TestRuntime } from '../../src/cluster/test-runtime.js';
import { faults } from '../../src/nemesis/faults.js';
import { kvSystem } from '../../src/systems/kv/system.js';
import { waitFor } from '../helpers/wait.js';

const runId = newRunId();
const logDir = mkdtempSync(join(tmpdir(), 'fl-test-faults-'));
const system = kvSystem('careful');
const cluster = new LocalCluster({ runId, nodes: ['n1', 'n2', 'n3'], system, logDir, fakeTime: true });
const test: TestRuntime = { runId, runDir: logDir, options: {} as TestOptions, cluster, log: pino({ level: 'silent' }), now: () => 0 };
const nemesis = faults(['partition', 'kill', 'pause', 'clock', 'loss', 'bandwidth', 'latency'], { nodes: cluster.nodes, interval: 1, primary: system.primary!, port: system.port }).nemesis;

/** Whether a TCP connection from `from`'s namespace to `to`'s kv port comes up within 400 ms. */
async function canConnect(from: string, to: string): Promise<boolean> {
  const script = `const s=require('net').connect(${system.port},'${cluster.ip(to)}');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(2),400)`;
  return (await cluster.netExec(from, [process.execPath, '-e', script])).exitCode === 0;
}

/** Whether UDP datagrams sent from `from` arrive at `to` (one direction only, unlike TCP). */
async function udpArrives(from: string, to: string): Promise<boolean> {
  const recv = `const d=require('dgram').createSocket('udp4');d.on('message',()=>process.exit(0));d.bind(9999,'${cluster.ip(to)}');setTimeout(()=>process.exit(1),800)`;
  const send = `const d=require('dgram').createSocket('udp4');let i=0;const t=setInterval(()=>{d.send('x',9999,'${cluster.ip(to)}');if(++i>10){clearInterval(t);d.close()}},40)`;
  const receiving = cluster.netExec(to, [process.execPath, '-e', recv]);
  await bound(to, 'udp', 9999);
  await cluster.netExec(from, [process.execPath, '-e', send]);
  return (await receiving).exitCode === 0;
}

/** Waits until a socket is bound to `port` in `node`'s namespace (a probe's receiver is ready). */
function bound(node: string, proto: 'tcp' | 'udp', port: number): Promise<void> {
  const flags = proto === 'tcp' ? '-Htln' : '-Huln';
  return waitFor(async () => (await cluster.netExec(node, ['ss', flags, `sport = :${port}`])).stdout.trim() !== '', `${proto} port ${port} bound on ${node}`, 5000);
}

const kv = (node: string, path: string, body: unknown, timeoutMs = 2000) => {
  const a = cluster.address(node);
  return httpRequest(`http://${a.host}:${a.port}`, path, body, { timeoutMs, method: path === '/health' ? 'GET' : 'POST' });
};

beforeAll(async () => {
  await cluster.setup();
  await nemesis.setup(test);
});
afterAll(async () => {
  await nemesis.teardown(test).catch(() => undefined);
  await cluster.teardown();
  rmSync(logDir, { recursive: true, force: true });
});

describe('faults on the local backend', () => {
  it('isolating one node cuts it off from the rest, who still reach each other', async () => {
    expect(await canConnect('n1', 'n2')).toBe(true);
    const r = await nemesis.invoke(test, { f: 'start-partition', value: { shape: 'one', grudge: { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] } } });
    expect(r.type).toBe('ok');
    expect(await canConnect('n1', 'n2')).toBe(false);
    expect(await canConnect('n3', 'n1')).toBe(false);
    expect(await canConnect('n2', 'n3')).toBe(true);
    await nemesis.invoke(test, { f: 'stop-partition', value: null });
    expect(await canConnect('n1', 'n2')).toBe(true);
  });

  it('isolating the primary looks it up when the fault runs and records it', async () => {
    const r = await nemesis.invoke(test, { f: 'start-partition', value: { shape: 'primary' } });
    expect(r.value).toEqual({ shape: 'primary', grudge: { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] } });
    expect(await canConnect('n2', 'n1')).toBe(false);
    await nemesis.invoke(test, { f: 'stop-partition', value: null });
  });

  it('a one-way partition drops one direction only', async () => {
    await nemesis.invoke(test, { f: 'start-partition', value: { shape: 'one-way', grudge: { n1: ['n2'] } } });
    expect(await udpArrives('n1', 'n2')).toBe(true);
    expect(await udpArrives('n2', 'n1')).toBe(false);
    await nemesis.invoke(test, { f: 'stop-partition', value: null });
    expect(await udpArrives('n2', 'n1')).toBe(true);
  });

  it('kill targets the primary by name, and start brings it back', async () => {
    const r = await nemesis.invoke(test, { f: 'kill', value: 'primary' });
    expect(r.value).toEqual(['n1']);
    expect(cluster.isRunning('n1')).toBe(false);
    expect(await canConnect('n2', 'n1')).toBe(false);
    await nemesis.invoke(test, { f: 'start', value: 'all' });
    expect(cluster.isRunning('n1')).toBe(true);
    expect(await canConnect('n2', 'n1')).toBe(true);
  });

  it('a paused node accepts connections (the kernel does) but answers nothing', async () => {
    await nemesis.invoke(test, { f: 'pause', value: ['n2'] });
    await expect(kv('n2', '/health', undefined, 500)).rejects.toMatchObject({ code: 'timeout' });
    await nemesis.invoke(test, { f: 'resume', value: 'all' });
    expect((await kv('n2', '/health', undefined)).status).toBe(200);
  });

  it('a clock bump shifts the node’s wall clock; reset puts it back', async () => {
    const skew = async (node: string) => ((await kv(node, '/health', undefined)).body as { now: number }).now - Date.now();
    expect(Math.abs(await skew('n3'))).toBeLessThan(1000);
    await nemesis.invoke(test, { f: 'clock-bump', value: { n3: -120 } });
    expect(await skew('n3')).toBeLessThan(-119_000);
    expect(Math.abs(await skew('n2'))).toBeLessThan(1000);
    const strobe = await nemesis.invoke(test, { f: 'clock-strobe', value: { nodes: ['n2'], delta: 30, periodMs: 50, duration: 0.5 } });
    expect((strobe.value as { flips: number }).flips).toBeGreaterThan(3);
    await nemesis.invoke(test, { f: 'clock-reset', value: 'all' });
    expect(Math.abs(await skew('n3'))).toBeLessThan(1000);
    expect(Math.abs(await skew('n2'))).toBeLessThan(1000);
  });

  it('total packet loss from peers cuts them off; clients are never affected; stop restores', async () => {
    await nemesis.invoke(test, { f: 'start-loss', value: { nodes: ['n1'], probability: 1 } });
    expect(await canConnect('n2', 'n1')).toBe(false);
    expect((await kv('n1', '/health', undefined)).status).toBe(200);
    await nemesis.invoke(test, { f: 'stop-loss', value: null });
    expect(await canConnect('n2', 'n1')).toBe(true);
  });

  it('a bandwidth limit installs a tbf qdisc and slows a bulk transfer; stop removes it', async () => {
    const transferMs = async () => {
      // 16 KiB from n3 to a sink in n2's namespace.
      const sink = `require('net').createServer(s=>{s.resume();s.on('end',()=>process.exit(0))}).listen(9998,'${cluster.ip('n2')}');setTimeout(()=>process.exit(1),8000)`;
      const src = `const s=require('net').connect(9998,'${cluster.ip('n2')}',()=>{s.end(Buffer.alloc(16384))})`;
      const started = Date.now();
      const p = cluster.netExec('n2', [process.execPath, '-e', sink]);
      await bound('n2', 'tcp', 9998);
      await cluster.netExec('n3', [process.execPath, '-e', src]);
      expect((await p).exitCode).toBe(0);
      return Date.now() - started;
    };
    const fast = await transferMs();
    await nemesis.invoke(test, { f: 'start-bandwidth', value: { nodes: ['n3'], rate: '64kbit' } });
    expect((await cluster.netExec('n3', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).toMatch(/tbf .*rate 64Kbit/);
    const slow = await transferMs();
    // 128 kbit at 64 kbit/s needs about 2 s minus the burst; anything well above the fast
    // case shows the limit is real without timing the machine.
    expect(slow).toBeGreaterThan(fast + 1000);
    await nemesis.invoke(test, { f: 'stop-bandwidth', value: null });
    expect((await cluster.netExec('n3', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).not.toMatch(/tbf/);
  }, 30_000);

  it('latency slows node-to-node requests through the proxy, not the harness; stop restores', async () => {
    /** Milliseconds for one HTTP request from `from`'s namespace to `to`'s kv service. */
    const rtt = async (from: string, to: string) => {
      const script = `const t=Date.now();require('http').get('http://${cluster.ip(to)}:${system.port}/health',r=>{r.resume();r.on('end',()=>{console.log(Date.now()-t);process.exit(0)})}).on('error',e=>{console.error(e.message);process.exit(1)})`;
      const r = await cluster.netExec(from, [process.execPath, '-e', script]);
      expect(r.exitCode, r.stderr).toBe(0);
      return Number(r.stdout.trim());
    };
    const before = await rtt('n2', 'n1');
    const r = await nemesis.invoke(test, { f: 'start-latency', value: { nodes: ['n1'], delayMs: 300, jitterMs: 0, resetProbability: 0 } });
    expect(r.type).toBe('ok');
    // Request and response are each held 300 ms.
    expect(await rtt('n2', 'n1')).toBeGreaterThanOrEqual(550);
    // Other pairs and the harness itself are not slowed.
    expect(await rtt('n2', 'n3')).toBeLessThan(before + 300);
    // The harness's own request would be held 600 ms; with a 300 ms deadline it would fail.
    expect((await kv('n1', '/health', undefined, 300)).status).toBe(200);
    await nemesis.invoke(test, { f: 'stop-latency', value: null });
    expect(await rtt('n2', 'n1')).toBeLessThan(before + 300);
  });

  it('teardown heals everything that is still in force', async () => {
    await nemesis.invoke(test, { f: 'start-partition', value: { shape: 'halves', grudge: { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] } } });
    await nemesis.invoke(test, { f: 'start-loss', value: { nodes: 'all', probability: 0.5 } });
    await nemesis.invoke(test, { f: 'kill', value: ['n3'] });
    await nemesis.invoke(test, { f: 'clock-bump', value: { n2: 50 } });
    await nemesis.teardown(test);
    expect(cluster.isRunning('n3')).toBe(true);
    for (const n of cluster.nodes) {
      const rules = (await cluster.netExec(n, ['iptables', '-S'])).stdout;
      expect(rules).not.toMatch(/-j DROP/);
    }
    expect(await canConnect('n2', 'n1')).toBe(true);
  });
});
