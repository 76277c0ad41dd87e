/**
 * Redis with Sentinel (Debian's redis-server and redis-sentinel) as a system under test:
 * every node runs a Redis server and a Sentinel beside it. n1 starts as the primary, the
 * others as its replicas (`replicaof`), and every Sentinel monitors the primary as
 * `mymaster` with a majority quorum. From then on Sentinel decides who is primary: it
 * promotes a replica when a majority of Sentinels sees the primary down for
 * `down-after-milliseconds`, and turns the old primary into a replica when it is back.
 *
 * Configs live in the node's data directory and are written only on the first start:
 * Sentinel rewrites both files as it reconfigures (its epochs, who replicates whom), and a
 * restarted node must come back with what it had. Every server writes an append-only file
 * fsynced on every write (`appendfsync always`), so a kill loses nothing acknowledged by
 * the node itself: what is lost is lost to replication and failover alone.
 *
 * Variants:
 *  - `async`: Redis' default asynchronous replication;
 *  - `min-replicas`: `min-replicas-to-write 1` and `min-replicas-max-lag 2`, so a primary
 *    that lost its replicas refuses writes after two seconds (the client also WAITs for a
 *    replica's acknowledgement after each write: see clients/redis.ts);
 *  - `single`: one server, no replicas, no Sentinel, `appendfsync always`: the careful
 *    contrast, a single node that loses nothing to kill -9.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Cluster, SystemSpec } from '../../cluster/cluster.js';
import { dockerfileImage, type ImageChoice } from '../../cluster/images/catalog.js';
import { FaultlineError } from '../../core/errors.js';
import { majority } from '../../nemesis/grudge.js';

export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
/** The name Sentinel monitors the primary under; clients ask for it by this name. */
export const PRIMARY_NAME = 'mymaster';

export const REDIS_VARIANTS = ['async', 'min-replicas', 'single'] as const;
export type RedisVariant = (typeof REDIS_VARIANTS)[number];

/** How long Sentinels wait before calling the primary down: short, so a run sees failovers. */
const DOWN_AFTER_MS = 2000;

/** Where Debian puts the binaries, on the host and in images/redis. */
const IMAGE_BIN = '/usr/bin';

/** The host's directory holding redis-server and redis-sentinel: Debian's, or FAULTLINE_REDIS_BIN. */
function hostBin(): string {
  return process.env.FAULTLINE_REDIS_BIN || IMAGE_BIN;
}

/** Says up front, in one line, what is missing on this host for the local backend. */
export function requireLocalRedis(variant: RedisVariant): void {
  const need = (variant === 'single' ? ['redis-server'] : ['redis-server', 'redis-sentinel']).map((b) => join(hostBin(), b));
  const missing = need.filter((b) => !existsSync(b));
  if (missing.length > 0) throw new FaultlineError(`the redis workload needs ${missing.join(' and ')}: apt-get install -y redis-server redis-sentinel${process.env.FAULTLINE_REDIS_BIN ? ' (or fix FAULTLINE_REDIS_BIN)' : ''}, or use --backend docker`);
}

// $1 data directory, $2 port, $3 sentinel port ("" for none), $4 the server config lines,
// $5 the Sentinel config lines, $6 the binaries' directory. Configs are written once (Sentinel rewrites them later);
// the server runs in the background of the shell that becomes the Sentinel, so both are in
// the node's process group (kill, pause) and its container.
const LAUNCH = [
  'set -e',
  'D="$1/redis"',
  'mkdir -p "$D"',
  '[ -f "$D/redis.conf" ] || printf \'%s\\n\' "$4" > "$D/redis.conf"',
  'if [ -z "$3" ]; then exec "$6/redis-server" "$D/redis.conf"; fi',
  '[ -f "$D/sentinel.conf" ] || printf \'%s\\n\' "$5" > "$D/sentinel.conf"',
  '"$6/redis-server" "$D/redis.conf" &',
  'exec "$6/redis-sentinel" "$D/sentinel.conf"',
].join('\n');

export function redisSystem(variant: RedisVariant): SystemSpec & ImageChoice {
  const sentinels = variant !== 'single';
  return {
    name: 'redis',
    port: REDIS_PORT,
    image: dockerfileImage('redis'),
    launch: ({ node, ips, port, dataDir, backend }) => {
      const names = [...ips.keys()];
      const primaryIp = ips.get(names[0]!)!;
      const server = [
        `port ${port}`,
        'bind 0.0.0.0',
        'protected-mode no',
        'daemonize no',
        'logfile ""',
        'dir "DATADIR"',
        'save ""',
        'appendonly yes',
        'appendfsync always',
        ...(variant === 'min-replicas' ? ['min-replicas-to-write 1', 'min-replicas-max-lag 2'] : []),
        ...(sentinels && node !== names[0] ? [`replicaof ${primaryIp} ${port}`] : []),
      ];
      const sentinel = [
        `port ${SENTINEL_PORT}`,
        'bind 0.0.0.0',
        'protected-mode no',
        'daemonize no',
        'logfile ""',
        'dir "DATADIR"',
        `sentinel monitor ${PRIMARY_NAME} ${primaryIp} ${port} ${majority(names.length)}`,
        `sentinel down-after-milliseconds ${PRIMARY_NAME} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${PRIMARY_NAME} 10000`,
        `sentinel parallel-syncs ${PRIMARY_NAME} 1`,
      ];
      const dir = `${dataDir}/redis`;
      const fill = (lines: string[]) => lines.join('\n').replace('DATADIR', dir);
      return { command: 'sh', args: ['-c', LAUNCH, 'faultline-redis', dataDir, String(port), sentinels ? String(SENTINEL_PORT) : '', fill(server), fill(sentinel), backend === 'docker' ? IMAGE_BIN : hostBin()] };
    },
    // Ready when the server answers PING (after loading its append-only file) and, where
    // there is one, the Sentinel does too.
    async ready({ host, port }) {
      if (!(await ping(host, port))) return false;
      return !sentinels || (await ping(host, SENTINEL_PORT));
    },
    readyTimeoutMs: 30_000,
    // Both programs read the clock through libc, but under libfaketime Debian's build loops in
    // recursive clock_gettime() calls and never serves: the workload leaves clock faults out.
    clock: 'libc',
    primary: sentinels ? sentinelPrimary : async (cluster) => cluster.nodes[0],
  };
}

/**
 * One admin exchange with a server or Sentinel: connect, run `fn`, disconnect, all within
 * `timeoutMs` (a paused or silent peer must not hang a probe). Undefined on any failure.
 */
async function withAdmin<T>(host: string, port: number, fn: (r: Redis) => Promise<T>, timeoutMs = 1500): Promise<T | undefined> {
  const r = new Redis({ host, port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, enableReadyCheck: false, retryStrategy: () => null });
  r.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    return await Promise.race([r.connect().then(() => fn(r)), deadline]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    r.disconnect();
  }
}

async function ping(host: string, port: number): Promise<boolean> {
  return (await withAdmin(host, port, (r) => r.ping())) === 'PONG';
}

/** Runs one command on a node's Sentinel; undefined when it does not answer. */
function askSentinel(cluster: Cluster, node: string, args: string[]): Promise<unknown> {
  return withAdmin(cluster.address(node).host, SENTINEL_PORT, (r) => r.call('SENTINEL', ...args));
}

/** The node whose IP a Sentinel named as the primary. */
function nodeByIp(cluster: Cluster, ip: string): string | undefined {
  return cluster.nodes.find((n) => cluster.ip(n) === ip);
}

/** Each running node's Sentinel's view of the primary (node name), undefined where it has none. */
async function sentinelViews(cluster: Cluster): Promise<Map<string, string | undefined>> {
  const views = await Promise.all(
    cluster.nodes.map(async (n) => {
      if (!cluster.isRunning(n)) return [n, undefined] as const;
      const addr = await askSentinel(cluster, n, ['get-master-addr-by-name', PRIMARY_NAME]);
      const ip = Array.isArray(addr) && typeof addr[0] === 'string' ? addr[0] : undefined;
      return [n, ip === undefined ? undefined : nodeByIp(cluster, ip)] as const;
    }),
  );
  return new Map(views);
}

/**
 * The primary as the Sentinels name it: the answer most of them give, as a client asking
 * them would be told. What the nemesis isolates or kills as "primary".
 */
async function sentinelPrimary(cluster: Cluster): Promise<string | undefined> {
  const votes = new Map<string, number>();
  for (const v of (await sentinelViews(cluster)).values()) if (v) votes.set(v, (votes.get(v) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Polls until every Sentinel names the same primary and sees all the other Sentinels and
 * replicas, or throws a one-line error after `timeoutMs`: the deployment is then as the
 * manual describes it, and the first ops measure Redis, not its start-up.
 */
export async function waitForSentinels(cluster: Cluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const others = cluster.nodes.length - 1;
  let problem = 'no Sentinel answered';
  while (Date.now() < deadline) {
    const views = await sentinelViews(cluster);
    const named = new Set(views.values());
    if (named.size === 1 && !named.has(undefined)) {
      const counts = await Promise.all(
        cluster.nodes.map(async (n) => {
          const [sentinels, replicas] = await Promise.all([askSentinel(cluster, n, ['sentinels', PRIMARY_NAME]), askSentinel(cluster, n, ['replicas', PRIMARY_NAME])]);
          return { n, sentinels: Array.isArray(sentinels) ? sentinels.length : 0, replicas: Array.isArray(replicas) ? replicas.filter(healthyReplica).length : 0 };
        }),
      );
      const short = counts.find((c) => c.sentinels < others || c.replicas < others);
      if (!short) return;
      problem = `the Sentinel on ${short.n} knows ${short.sentinels} of ${others} other Sentinels and ${short.replicas} of ${others} replicas`;
    } else {
      problem = `Sentinels disagree on the primary: ${[...views].map(([n, p]) => `${n} says ${p ?? 'none'}`).join(', ')}`;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new FaultlineError(`Redis Sentinel did not settle within ${timeoutMs / 1000} s: ${problem}; see nodes/*.log in the run directory`);
}

/** A `SENTINEL replicas` entry (a flat field/value list) whose flags say it is up. */
function healthyReplica(entry: unknown): boolean {
  if (!Array.isArray(entry)) return false;
  const i = entry.indexOf('flags');
  const flags = i >= 0 ? String(entry[i + 1]) : '';
  return !/s_down|o_down|disconnected/.test(flags);
}

/** A server's `INFO replication` fields; undefined when it does not answer. */
async function replicationInfo(host: string, port: number): Promise<Record<string, string> | undefined> {
  const text = await withAdmin(host, port, (r) => r.info('replication'));
  if (text === undefined) return undefined;
  return Object.fromEntries(text.split(/\r?\n/).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

/**
 * Whether the deployment has settled after the faults: every Sentinel names the same
 * primary, that server says it is the master, and every other server replicates it with
 * its link up. Until then an old primary may still hold (and serve) writes it is about to
 * drop: Sentinel demotes a returning old primary only some seconds after it is reachable
 * again, so final reads taken before would miss the loss. Undefined when settled, else
 * what is still off.
 */
export async function unsettled(cluster: Cluster): Promise<string | undefined> {
  const views = await sentinelViews(cluster);
  const named = new Set(views.values());
  const primary = [...named][0];
  if (named.size !== 1 || primary === undefined) return `Sentinels name ${[...views].map(([n, p]) => `${n}: ${p ?? 'none'}`).join(', ')}`;
  const infos = await Promise.all(cluster.nodes.map((n) => replicationInfo(cluster.address(n).host, REDIS_PORT)));
  for (const [i, n] of cluster.nodes.entries()) {
    const info = infos[i];
    if (!info) return `${n} does not answer`;
    if (n === primary) {
      if (info.role !== 'master') return `${n}, the primary, says it is ${info.role}`;
    } else if (info.role !== 'slave' || info.master_host !== cluster.ip(primary) || info.master_link_status !== 'up') {
      return `${n} is ${info.role}${info.master_host ? ` of ${info.master_host} (link ${info.master_link_status})` : ''}, not a replica of ${primary}`;
    }
  }
  return undefined;
}
