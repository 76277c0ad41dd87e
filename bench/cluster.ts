/**
 * `npm run bench:cluster`: how long a 5-node cluster of the built-in kv service (careful)
 * takes to come up (every node ready) and to be torn down, on each backend. A backend that
 * cannot run here (no root for namespaces, no Docker engine) is skipped with the reason.
 * Targets (issue 4): ready in under 1 s locally and under 5 s on Docker.
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

const NODES = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Backend = 'local' | 'docker';

function make(backend: Backend, logDir: string): Cluster {
  const opts = { runId: newRunId(), nodes: nodeNames(NODES), system: kvSystem('careful'), logDir };
  return backend === 'docker' ? new DockerCluster(opts) : new LocalCluster(opts);
}

async function unavailable(backend: Backend): Promise<string | undefined> {
  if (backend === 'local') return requireNamespaces().then(() => undefined, (e: Error) => e.message);
  const r = await dockerReachable();
  if (!r.ok) return r.reason;
  // Build (or find) the image outside the timed rounds: it is a one-time cost per content hash.
  await ensureImage(dockerClient(), 'node');
  return undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  console.log(`cluster bring-up and teardown, ${NODES} kv nodes, ${ROUNDS} rounds per backend (ms)`);
  console.log('backend   up-median  up-min  up-max  down-median  target-up');
  for (const backend of ['local', 'docker'] as const) {
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
    const target = backend === 'local' ? 1000 : 5000;
    const f = (x: number) => x.toFixed(0).padStart(6);
    console.log(`${backend.padEnd(9)} ${f(median(ups)).padStart(9)} ${f(Math.min(...ups))} ${f(Math.max(...ups))} ${f(median(downs)).padStart(12)}  < ${target} ${median(ups) < target ? 'ok' : 'MISSED'}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench:cluster: ${(e as Error).message}`);
  process.exitCode = 3;
});
