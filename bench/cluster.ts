/**
 * `npm run bench:cluster`: how long a 5-node cluster of the built-in kv service (careful)
 * takes to come up (every node ready) and to be torn down, on each backend. A backend that
 * cannot run here (no root for namespaces, no Docker engine) is skipped with the reason.
 * Targets (issue 4): ready in under 1 s locally and under 5 s on Docker.
 *
 * ssh: 3 nodes on hosts given as `BENCH_SSH_HOSTS=n1=root@h1,…` (with `BENCH_SSH_KEY`,
 * `BENCH_SSH_KNOWN_HOSTS`), or else on 3 sshd "hosts" in network namespaces of this
 * machine (src/testing/netns-ssh-hosts.ts; root and openssh-server), built outside the
 * timed rounds. Bring-up includes connecting, uploading the package and starting nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeNames, type Cluster } from '../src/cluster/cluster.js';
import { dockerReachable } from '../src/cluster/docker-connect.js';
import { DockerCluster } from '../src/cluster/docker.js';
import { ensureImage } from '../src/cluster/images/catalog.js';
import { dockerClient } from '../src/cluster/docker-connect.js';
import { LocalCluster } from '../src/cluster/local.js';
import { newRunId } from '../src/cluster/names.js';
import { requireNamespaces } from '../src/cluster/privileges.js';
import { kvSystem } from '../src/systems/kv/system.js';
import { SshCluster } from '../src/cluster/ssh.js';
import { hostsOf } from '../src/cluster/ssh-hosts.js';
import { buildNetnsSshHosts, SSHD, type NetnsSshHosts } from '../src/testing/netns-ssh-hosts.js';
import { existsSync } from 'node:fs';

const NODES = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Backend = 'local' | 'docker' | 'ssh';
const SSH_NODES = 3;

/** The ssh rows' hosts: the user's, or ones built here. */
let sshHosts: { hosts: string; key?: string; knownHosts?: string; built?: NetnsSshHosts } | undefined;

function make(backend: Backend, logDir: string): Cluster {
  const opts = { runId: newRunId(), nodes: nodeNames(NODES), system: kvSystem('careful'), logDir };
  if (backend === 'ssh') {
    const h = sshHosts!;
    return new SshCluster({
      ...opts,
      nodes: nodeNames(SSH_NODES),
      hosts: hostsOf({ sshHosts: h.hosts }),
      ...(h.key !== undefined ? { key: h.key } : {}),
      ...(h.knownHosts !== undefined ? { knownHosts: h.knownHosts } : {}),
    });
  }
  return backend === 'docker' ? new DockerCluster(opts) : new LocalCluster(opts);
}

async function unavailable(backend: Backend): Promise<string | undefined> {
  if (backend === 'local') return requireNamespaces().then(() => undefined, (e: Error) => e.message);
  if (backend === 'ssh') {
    const given = process.env.BENCH_SSH_HOSTS;
    if (given) {
      sshHosts = { hosts: given, ...(process.env.BENCH_SSH_KEY ? { key: process.env.BENCH_SSH_KEY } : {}), ...(process.env.BENCH_SSH_KNOWN_HOSTS ? { knownHosts: process.env.BENCH_SSH_KNOWN_HOSTS } : {}) };
      return undefined;
    }
    if (process.getuid?.() !== 0) return 'no BENCH_SSH_HOSTS, and building hosts here needs root';
    if (!existsSync(SSHD)) return `no BENCH_SSH_HOSTS, and no ${SSHD} to build hosts here (apt-get install -y openssh-server)`;
    const built = await buildNetnsSshHosts(SSH_NODES);
    sshHosts = { hosts: built.hostsArg, key: built.key, knownHosts: built.knownHosts, built };
    return undefined;
  }
  const r = await dockerReachable();
  if (!r.ok) return r.reason;
  // Build (or find) the image outside the timed rounds: it is a one-time cost per content hash.
  await ensureImage(dockerClient(), 'node');
  return undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  console.log(`cluster bring-up and teardown, ${NODES} kv nodes (ssh: ${SSH_NODES}), ${ROUNDS} rounds per backend (ms)`);
  console.log('backend   up-median  up-min  up-max  down-median  target-up');
  // BENCH_BACKENDS=local,ssh measures only those.
  const only = process.env.BENCH_BACKENDS?.split(',');
  for (const backend of (['local', 'docker', 'ssh'] as const).filter((b) => !only || only.includes(b))) {
    const why = await unavailable(backend);
    if (why) {
      console.log(`${backend.padEnd(9)} skipped: ${why}`);
      continue;
    }
    const ups: number[] = [];
    const downs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const logDir = mkdtempSync(join(tmpdir(), 'fl-bench-'));
      const c = make(backend, logDir);
      const t0 = performance.now();
      try {
        await c.setup();
        ups.push(performance.now() - t0);
      } finally {
        const t1 = performance.now();
        await c.teardown();
        downs.push(performance.now() - t1);
        rmSync(logDir, { recursive: true, force: true });
      }
    }
    const f = (x: number) => x.toFixed(0).padStart(6);
    const label = backend === 'ssh' ? `ssh (${SSH_NODES})` : backend;
    // No target was set for ssh: its time depends on the hosts' network and CPU.
    const target = backend === 'local' ? '< 1000 ' + (median(ups) < 1000 ? 'ok' : 'MISSED') : backend === 'docker' ? '< 5000 ' + (median(ups) < 5000 ? 'ok' : 'MISSED') : '-';
    console.log(`${label.padEnd(9)} ${f(median(ups)).padStart(9)} ${f(Math.min(...ups))} ${f(Math.max(...ups))} ${f(median(downs)).padStart(12)}  ${target}`);
  }
}

main()
  .finally(() => sshHosts?.built?.remove())
  .catch((e: unknown) => {
    console.error(`bench:cluster: ${(e as Error).message}`);
    process.exitCode = 3;
  });
