/**
 * Apache ZooKeeper (Debian's zookeeper / libzookeeper-java) as a system under test: one
 * ensemble member per node, started straight from Debian's jar with `QuorumPeerMain`, its
 * config and `myid` in the node's data directory (kept across kills, so a restarted member
 * recovers from its transaction log and snapshots and rejoins as itself).
 *
 * Timing is scaled down from the defaults (tickTime 2000 ms) so that a short run sees
 * elections; a follower cut off from its leader notices after syncLimit, 10 ticks (5 s).
 * The JVM gets a small heap and the client compiler: three of them share two cores.
 *
 * Readiness is `ruok` answering `imok`: the process is up and listening. A member
 * restarted inside a minority partition cannot join a quorum and must still count as
 * started, so whether the ensemble serves is the client's setup to wait for (see
 * `waitForEnsemble`), as with etcd.
 */
import { existsSync } from 'node:fs';
import type { Cluster, SystemSpec } from '../../cluster/cluster.js';
import { dockerfileImage, type ImageChoice } from '../../cluster/images/catalog.js';
import { FaultlineError } from '../../core/errors.js';
import { fourLetterWord, serverMode } from './four-letter.js';

const ZOOKEEPER_CLIENT_PORT = 2181;
/** Followers connect to the leader here: what latency faults slow down. */
export const ZOOKEEPER_QUORUM_PORT = 2888;
const ZOOKEEPER_ELECTION_PORT = 3888;

/** Debian's ZooKeeper jar and the slf4j binding that sends its log to stderr (the node log). */
const CLASSPATH = ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar'];
/** Where Debian puts java, on the host and in images/zookeeper. */
const IMAGE_JAVA = '/usr/bin/java';

/** The host's java: Debian's, or FAULTLINE_JAVA. */
function hostJava(): string {
  return process.env.FAULTLINE_JAVA || IMAGE_JAVA;
}

/** Says up front, in one line, what is missing on this host for the local backend. */
export function requireLocalZookeeper(): void {
  const java = hostJava();
  if (!existsSync(java)) throw new FaultlineError(`the zookeeper workload needs a Java runtime at ${java}: apt-get install -y zookeeper${process.env.FAULTLINE_JAVA ? ' (or fix FAULTLINE_JAVA)' : ''}, or use --backend docker`);
  const missing = CLASSPATH.filter((j) => !existsSync(j));
  if (missing.length > 0) throw new FaultlineError(`the zookeeper workload needs Debian's ZooKeeper (${missing.join(', ')} missing): apt-get install -y zookeeper (or use --backend docker)`);
}

// $1 data directory, $2 myid, $3 client port, $4 the server.N lines, $5 java. The config is static,
// so it is written on every start; myid only once. `set -e`: a failure shows in the log.
const LAUNCH = [
  'set -e',
  'D="$1/zk"',
  'mkdir -p "$D"',
  '[ -f "$D/myid" ] || echo "$2" > "$D/myid"',
  `printf '%s\\n' tickTime=500 initLimit=20 syncLimit=10 "dataDir=$D" "clientPort=$3" maxClientCnxns=0 \\`,
  '  standaloneEnabled=false reconfigEnabled=false admin.enableServer=false \\',
  '  4lw.commands.whitelist=ruok,srvr,mntr > "$1/zoo.cfg"',
  'printf \'%s\\n\' "$4" >> "$1/zoo.cfg"',
  `exec "$5" -Xms32m -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \\`,
  '  -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \\',
  `  -cp ${CLASSPATH.join(':')} org.apache.zookeeper.server.quorum.QuorumPeerMain "$1/zoo.cfg"`,
].join('\n');

export function zookeeperSystem(): SystemSpec & ImageChoice {
  return {
    name: 'zookeeper',
    port: ZOOKEEPER_CLIENT_PORT,
    image: dockerfileImage('zookeeper'),
    launch: ({ node, ips, port, dataDir, backend }) => {
      const names = [...ips.keys()];
      const servers = names.map((n, i) => `server.${i + 1}=${ips.get(n)}:${ZOOKEEPER_QUORUM_PORT}:${ZOOKEEPER_ELECTION_PORT}`).join('\n');
      return { command: 'sh', args: ['-c', LAUNCH, 'faultline-zookeeper', dataDir, String(names.indexOf(node) + 1), String(port), servers, backend === 'docker' ? IMAGE_JAVA : hostJava()] };
    },
    async ready({ host, port }) {
      return (await fourLetterWord(host, port, 'ruok', 500)) === 'imok';
    },
    // A JVM on a busy machine takes a while; a restart replays the transaction log.
    readyTimeoutMs: 60_000,
    // The JVM reads the wall clock through libc (libfaketime moves System.currentTimeMillis),
    // but ZooKeeper times sessions and ticks on System.nanoTime, the monotonic clock; the
    // workload leaves clock faults out (see workloads/zookeeper.ts).
    clock: 'libc',
    primary: zookeeperLeader,
  };
}

/** Each running member's `Mode:` (leader, follower), or undefined where it is not serving. */
async function zookeeperModes(cluster: Cluster): Promise<Map<string, string | undefined>> {
  const modes = await Promise.all(
    cluster.nodes.map(async (n) => {
      if (!cluster.isRunning(n)) return [n, undefined] as const;
      const a = cluster.address(n);
      const srvr = await fourLetterWord(a.host, a.port, 'srvr', 1000).catch(() => '');
      return [n, serverMode(srvr)] as const;
    }),
  );
  return new Map(modes);
}

/** The member that says it leads (a deposed leader may still say so for a moment: the first). */
export async function zookeeperLeader(cluster: Cluster): Promise<string | undefined> {
  for (const [n, mode] of await zookeeperModes(cluster)) if (mode === 'leader') return n;
  return undefined;
}

/**
 * Polls `srvr` until every member serves (one leader, the rest followers), or throws a
 * one-line error naming the members that do not, after `timeoutMs`.
 */
export async function waitForEnsemble(cluster: Cluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let modes = new Map<string, string | undefined>();
  while (Date.now() < deadline) {
    modes = await zookeeperModes(cluster);
    if ([...modes.values()].every((m) => m === 'leader' || m === 'follower')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const notServing = [...modes].filter(([, m]) => m !== 'leader' && m !== 'follower').map(([n]) => n);
  throw new FaultlineError(`the ZooKeeper ensemble did not form within ${timeoutMs / 1000} s: ${notServing.join(', ')} not serving (no leader/follower mode in srvr); see nodes/${notServing[0] ?? 'n1'}.log in the run directory`);
}
