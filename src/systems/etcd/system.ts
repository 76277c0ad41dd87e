/**
 * etcd 3.4 (Debian's etcd-server) as a system under test: one member per node, a static
 * initial cluster over the nodes' cluster IPs, data in the backend's data directory (kept
 * across kills). Runs in the `etcd` image on the Docker backend.
 */
import { join } from 'node:path';
import type { Cluster, SystemSpec } from '../../cluster/cluster.js';
import { etcdBinary, type ImageChoice } from '../../cluster/images/catalog.js';
import { httpRequest } from '../../clients/http-transport.js';

const ETCD_CLIENT_PORT = 2379;
/** Raft traffic between members: what latency faults slow down. */
export const ETCD_PEER_PORT = 2380;
const PEER_PORT = ETCD_PEER_PORT;

export function etcdSystem(clusterToken: string): SystemSpec & ImageChoice {
  return {
    name: 'etcd',
    image: 'etcd',
    port: ETCD_CLIENT_PORT,
    launch: ({ node, ips, port, dataDir }) => {
      const ip = ips.get(node)!;
      return {
        command: etcdBinary(),
        args: [
          '--name', node,
          '--data-dir', join(dataDir, 'etcd'),
          '--listen-client-urls', `http://0.0.0.0:${port}`,
          '--advertise-client-urls', `http://${ip}:${port}`,
          '--listen-peer-urls', `http://0.0.0.0:${PEER_PORT}`,
          '--initial-advertise-peer-urls', `http://${ip}:${PEER_PORT}`,
          '--initial-cluster', [...ips].map(([n, a]) => `${n}=http://${a}:${PEER_PORT}`).join(','),
          // Ignored once the data dir holds a member: a restarted node rejoins as itself.
          '--initial-cluster-state', 'new',
          '--initial-cluster-token', clusterToken,
          '--logger', 'zap',
        ],
      };
    },
    // Serving HTTP is enough: a member restarted inside a minority partition cannot get
    // healthy (no leader) and must still count as started. Clients wait for a leader.
    async ready({ host, port }) {
      const r = await httpRequest(`http://${host}:${port}`, '/version', undefined, { timeoutMs: 500, method: 'GET' });
      return r.status === 200;
    },
    primary: etcdLeader,
  };
}

interface StatusBody {
  leader?: string;
}
interface MembersBody {
  members?: { ID?: string; name?: string }[];
}

/**
 * The raft leader by node name, as most live members see it (a member cut off from the
 * majority may still name an old leader). Member ids are uint64s, strings in JSON.
 */
export async function etcdLeader(cluster: Cluster): Promise<string | undefined> {
  const views = await Promise.all(
    cluster.nodes
      .filter((n) => cluster.isRunning(n))
      .map(async (n) => {
        const a = cluster.address(n);
        const base = `http://${a.host}:${a.port}`;
        try {
          const [status, members] = await Promise.all([
            httpRequest(base, '/v3/maintenance/status', {}, { timeoutMs: 1000 }),
            httpRequest(base, '/v3/cluster/member/list', {}, { timeoutMs: 1000 }),
          ]);
          const leader = (status.body as StatusBody | null)?.leader;
          return (members.body as MembersBody | null)?.members?.find((m) => m.ID === leader)?.name;
        } catch {
          return undefined;
        }
      }),
  );
  const votes = new Map<string, number>();
  for (const v of views) if (v) votes.set(v, (votes.get(v) ?? 0) + 1);
  return [...votes].sort((x, y) => y[1] - x[1])[0]?.[0];
}
