/**
 * Fault package `latency`: 20–300 ms delay with jitter, and some connections reset, on
 * peers' connections into a node (often the primary), through a userspace TCP proxy
 * (latency-proxy.ts) in each target node's namespace: iptables NAT there sends the peers'
 * new connections to the node's service port into the proxy. Established connections would
 * bypass NAT, so they are killed (`ss -K`) and the peers reconnect through the proxy.
 * Clients of the harness are never redirected. Needs the service port (the workload gives
 * it to `faults()`) and a backend that can start helpers in a node's namespace.
 */
import net from 'node:net';
import type { HelperProcess } from '../cluster/cluster.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import { compiled } from '../core/paths.js';
import { ensureChain, ipt, IPTABLES } from './iptables.js';
import type { FaultOp, FaultResult, Nemesis } from './nemesis.js';
import { defineFaultPackage, describeTargets } from './package.js';
import { pickTargets, resolveTargets, type PrimaryResolver } from './targets.js';

const LATENCY_CHAIN = 'FAULTLINE-LAT';
/** Where the proxy listens inside a node's namespace. */
export const PROXY_PORT = 24000;
const START = 'start-latency';
const STOP = 'stop-latency';

interface LatencyValue {
  nodes: string[] | 'all' | 'primary';
  delayMs: number;
  jitterMs: number;
  /** Share of proxied connections reset at a random moment. */
  resetProbability: number;
}

/** Resolves once something accepts TCP at host:port (the proxy came up), or throws. */
async function waitListening(host: string, port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.setTimeout(300, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`latency proxy at ${host}:${port} did not come up`);
}

class LatencyNemesis implements Nemesis {
  readonly fs = [START, STOP] as const;
  private readonly proxies = new Map<string, HelperProcess>();

  /** `port` is the service port inside each node (SystemSpec.port). */
  constructor(
    private readonly port: number,
    private readonly primary?: PrimaryResolver,
  ) {}

  async setup(test: TestRuntime): Promise<void> {
    if (!test.cluster.spawnNet) throw new Error(`latency faults are not supported on the ${test.cluster.backend} backend`);
    await Promise.all(test.cluster.nodes.map((n) => ensureChain(test, n, LATENCY_CHAIN, 'nat', 'PREROUTING')));
  }

  async invoke(test: TestRuntime, op: FaultOp): Promise<FaultResult> {
    await this.heal(test);
    if (op.f === STOP) return { type: 'ok', value: 'healed' };
    const v = op.value as LatencyValue;
    const targets = await resolveTargets(v.nodes, test.cluster, this.primary);
    const proxyJs = compiled('src/nemesis/latency-proxy.ts');
    await Promise.all(
      targets.map(async (node) => {
        const ip = test.cluster.ip(node);
        const proxy = await test.cluster.spawnNet!(node, [
          process.execPath, proxyJs,
          '--listen', String(PROXY_PORT),
          '--target', `${ip}:${this.port}`,
          '--delay', String(v.delayMs),
          '--jitter', String(v.jitterMs),
          '--reset-probability', String(v.resetProbability),
        ]);
        this.proxies.set(node, proxy);
        await waitListening(ip, PROXY_PORT);
        const peers = test.cluster.nodes.filter((p) => p !== node);
        for (const peer of peers) {
          await ipt(test, node, ['-t', 'nat', '-A', LATENCY_CHAIN, '-p', 'tcp', '-s', test.cluster.ip(peer), '--dport', String(this.port), '-j', 'REDIRECT', '--to-ports', String(PROXY_PORT)]);
        }
        // Connections the peers already hold would skip NAT: reset them so they come back
        // through the proxy.
        for (const peer of peers) {
          await test.cluster.netExec(node, ['ss', '-K', 'dst', test.cluster.ip(peer), 'and', 'sport', '=', `:${this.port}`]);
        }
      }),
    );
    return { type: 'ok', value: { ...v, nodes: targets } };
  }

  private async heal(test: TestRuntime): Promise<void> {
    await Promise.all(test.cluster.nodes.map((n) => test.cluster.netExec(n, ['iptables', '-w', '-t', 'nat', '-F', LATENCY_CHAIN])));
    await Promise.all([...this.proxies.values()].map((p) => p.stop()));
    this.proxies.clear();
  }

  async teardown(test: TestRuntime): Promise<void> {
    await this.heal(test);
  }
}

export const latency = defineFaultPackage({
  kind: 'latency',
  summary: '20–300 ms delay with jitter on peers\' connections into a node (often the primary), some connections reset',
  mechanism: 'a userspace TCP proxy in the node\'s namespace; iptables NAT redirects peers\' new connections into it and `ss -K` makes established ones reconnect through it',
  startFs: [START],
  stopFs: [STOP],
  needs: { hostTools: [IPTABLES, { name: 'ss', apt: 'iproute2' }], netfilterTables: ['nat'], spawnNet: true, servicePort: true, primary: true },
  colour: 'degraded',
  draw(nodes, rng, o) {
    // Slowing the primary's inbound links is what hurts a primary-based design most.
    const [spec, r1] = rng.pick(o.primary ? (['one', 'minority', 'all', 'primary'] as const) : (['one', 'minority', 'all'] as const));
    const [delay, r2] = r1.uniform(20, 300);
    const [jitter, r3] = r2.uniform(0, delay / 2);
    const [resetProbability] = r3.pick([0, 0, 0.05, 0.2]);
    return { f: START, value: { nodes: pickTargets(spec, nodes, r1), delayMs: Math.round(delay), jitterMs: Math.round(jitter), resetProbability } };
  },
  stop: () => ({ f: STOP, value: null }),
  nemesis(o) {
    if (o.port === undefined) throw new Error('latency faults need the service port (faults() option port)');
    return new LatencyNemesis(o.port, o.primary);
  },
  describe: (_f, value) => describeTargets('latency', value),
});
