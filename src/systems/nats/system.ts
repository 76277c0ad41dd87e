/**
 * NATS with JetStream (Debian's nats-server 2.9) as a system under test: one server per
 * node, clustered over routes to every node's cluster port, JetStream on with its store in
 * the node's data directory (kept across kills). Each server's name is the node's name,
 * so JetStream's answers ("the stream leader is n2") name nodes directly.
 *
 * A node is ready when it accepts client connections; that the cluster formed and
 * JetStream works is shown by the client's setup creating the stream with its replicas,
 * which needs a JetStream meta leader and enough servers to place them.
 */
import { existsSync } from 'node:fs';
import { connect } from 'nats';
import type { Cluster, SystemSpec } from '../../cluster/cluster.js';
import { dockerfileImage, type ImageChoice } from '../../cluster/images/catalog.js';
import { FaultlineError } from '../../core/errors.js';

const NATS_PORT = 4222;
/** Routes between servers: what partitions cut and Raft runs over. */
const NATS_CLUSTER_PORT = 6222;

/** Where the image installs it (images/nats/Dockerfile). */
const IMAGE_BIN = '/usr/sbin/nats-server';

/** The nats-server the local backend runs: Debian's, or FAULTLINE_NATS_SERVER. */
export function natsServerBinary(): string {
  const bin = process.env.FAULTLINE_NATS_SERVER || IMAGE_BIN;
  if (!existsSync(bin)) throw new FaultlineError(`the nats workload needs nats-server (no ${bin}): apt-get install -y nats-server, set FAULTLINE_NATS_SERVER, or use --backend docker`);
  return bin;
}

/** One server's configuration (NATS's own config format). */
export function natsConfig(node: string, ips: ReadonlyMap<string, string>, port: number, storeDir: string): string {
  const routes = [...ips.values()].map((ip) => `nats://${ip}:${NATS_CLUSTER_PORT}`);
  return [
    `server_name: "${node}"`,
    `listen: "0.0.0.0:${port}"`,
    'jetstream {',
    `  store_dir: "${storeDir}"`,
    '  max_memory_store: 64MB',
    '  max_file_store: 1GB',
    '}',
    'cluster {',
    '  name: "faultline"',
    `  listen: "0.0.0.0:${NATS_CLUSTER_PORT}"`,
    `  routes: [${routes.map((r) => `"${r}"`).join(', ')}]`,
    '}',
  ].join('\n');
}

// $1 node data directory, $2 configuration, $3 the server binary. The configuration is
// rewritten on every start (it is the same each time); the JetStream store persists.
const LAUNCH = `set -e
mkdir -p "$1/nats"
printf '%s\\n' "$2" > "$1/nats/nats.conf"
exec "$3" -c "$1/nats/nats.conf"`;

export function natsSystem(): SystemSpec & ImageChoice {
  return {
    name: 'nats',
    port: NATS_PORT,
    image: dockerfileImage('nats'),
    launch: ({ node, ips, port, dataDir, backend }) => ({
      command: 'sh',
      args: ['-c', LAUNCH, 'faultline-nats', dataDir, natsConfig(node, ips, port, `${dataDir}/nats/jetstream`), backend === 'docker' ? IMAGE_BIN : natsServerBinary()],
    }),
    async ready({ host, port }) {
      try {
        const nc = await connect({ servers: `${host}:${port}`, reconnect: false, timeout: 1000, ignoreClusterUpdates: true });
        await nc.close();
        return true;
      } catch {
        return false;
      }
    },
    // Go reads the clock through the vDSO: libfaketime cannot skew it (clock left static).
    readyTimeoutMs: 60_000,
  };
}

/** The node whose server leads the stream (its Raft group), as a live server reports it. */
export async function natsStreamLeader(cluster: Cluster, stream: string): Promise<string | undefined> {
  for (const node of cluster.nodes.filter((n) => cluster.isRunning(n))) {
    const a = cluster.address(node);
    try {
      const nc = await connect({ servers: `${a.host}:${a.port}`, reconnect: false, timeout: 1000, ignoreClusterUpdates: true });
      try {
        const jsm = await nc.jetstreamManager({ timeout: 2000 });
        const leader = (await jsm.streams.info(stream)).cluster?.leader;
        if (leader && cluster.nodes.includes(leader)) return leader;
      } finally {
        await nc.close().catch(() => undefined);
      }
    } catch {
      continue;
    }
  }
  return undefined;
}
