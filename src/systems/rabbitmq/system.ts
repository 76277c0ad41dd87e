/**
 * RabbitMQ (Debian's rabbitmq-server, Erlang/OTP from Debian too) as a system under test:
 * one broker per node, clustered over Erlang distribution.
 *
 * - Node names are long names with the node's IP (`rabbit@10.213.5.11`), so nothing
 *   needs /etc/hosts; each node's namespace (or container) runs its own epmd.
 * - The Erlang cookie is one random value per run, written into each node's data
 *   directory as `.erlang.cookie` (mode 0400; HOME points there) on its first start. It
 *   travels to the launch script in the environment, never on a command line.
 * - The cluster forms at start by classic-config peer discovery, with one seed (n1) that
 *   lists no peers and boots standalone. Every other node lists only the seed and, on its
 *   first start, waits until the seed accepts AMQP connections before booting: joining a
 *   seed that is still enabling its feature flags copies a half-migrated schema and
 *   crashes the joiner (schema_integrity_check_failed, seen here), and a seed that lists
 *   its joiners waits on their discovery lock. Joiners take the lock on the seed in turn,
 *   asking again every second (the default is 30 s). A restarted node has its Mnesia
 *   directory and rejoins as itself; discovery only runs on a blank node.
 *   `rabbitmqClusterFormed` then checks with rabbitmqctl that the seed sees them all.
 * - `cluster_partition_handling = pause_minority` (see RABBITMQ_PARTITION_HANDLING):
 *   nodes that see a minority pause their listeners until the partition heals. The
 *   default, `ignore`, leaves a split cluster split after the network heals, until an
 *   operator restarts one side; `autoheal` restarts the losing side and discards what it
 *   took meanwhile. `net_ticktime` is lowered from 60 s to 10 s so that a partition of a
 *   test's length (seconds) is noticed at all.
 * - The server runs as root through /usr/lib/rabbitmq/bin/rabbitmq-server (Debian's
 *   /usr/sbin wrapper would switch to the rabbitmq user, who cannot read the run's files).
 *   The Erlang VM gets one scheduler and no busy-waiting: three brokers share two cores
 *   with everything else on this machine.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import type { Cluster, ExecResult, SystemSpec } from '../../cluster/cluster.js';
import { dockerfileImage, type ImageChoice } from '../../cluster/images/catalog.js';
import { FaultlineError } from '../../core/errors.js';

const AMQP_PORT = 5672;
const RABBITMQ_PARTITION_HANDLING = 'pause_minority';

const BIN = '/usr/lib/rabbitmq/bin';

export function requireLocalRabbitmq(): void {
  if (!existsSync(`${BIN}/rabbitmq-server`)) {
    throw new FaultlineError('the rabbitmq workload needs RabbitMQ: apt-get install -y rabbitmq-server (or use --backend docker)');
  }
}

/** `rabbit@<ip>`: the Erlang node name of a broker (long names, so an IP will do). */
function rabbitNodeName(ip: string): string {
  return `rabbit@${ip}`;
}

/**
 * rabbitmq.conf for one node. `seed` is the node every other node joins; for the seed
 * itself it is undefined: with no peers to discover it boots standalone at once.
 */
export function rabbitmqConfig(port: number, seed: string | undefined): string {
  return [
    `listeners.tcp.default = ${port}`,
    // The guest user may connect from the harness (by default it is loopback-only).
    'loopback_users.guest = false',
    `cluster_partition_handling = ${RABBITMQ_PARTITION_HANDLING}`,
    'net_ticktime = 10',
    // The free-disk alarm would block publishers on a small /tmp; this is not a disk test.
    'disk_free_limit.absolute = 1MB',
    'cluster_formation.peer_discovery_backend = classic_config',
    ...(seed === undefined
      ? []
      : [
          `cluster_formation.classic_config.nodes.1 = ${seed}`,
          'cluster_formation.discovery_retry_limit = 120',
          'cluster_formation.discovery_retry_interval = 1000',
          'cluster_formation.lock_retry_limit = 120',
          'cluster_formation.lock_retry_timeout = 1000',
        ]),
  ].join('\n');
}

/**
 * An Erlang one-liner that returns once `host:port` accepts a TCP connection (exit 0), or
 * gives up after `seconds` (exit 1). The node's first boot waits with it for the seed.
 */
function waitForPort(host: string, port: number, seconds: number): string {
  return `W = fun W(0) -> halt(1); W(N) -> case gen_tcp:connect("${host}", ${port}, [], 1000) of {ok, S} -> gen_tcp:close(S), halt(0); _ -> timer:sleep(1000), W(N - 1) end end, W(${seconds}).`;
}

// $1 node data directory, $2 Erlang node name, $3 rabbitmq.conf, $4 the wait for the seed
// (an Erlang expression; empty on the seed). `set -e`: a step that fails stops the node
// with its error in the node's log.
const LAUNCH = `set -e
D="$1/rabbitmq"
mkdir -p "$D"
cd "$D"
printf '%s\\n' "$3" > rabbitmq.conf
echo '[].' > enabled_plugins
if [ ! -f .erlang.cookie ]; then
  (umask 0277 && printf '%s' "$FAULTLINE_ERLANG_COOKIE" > .erlang.cookie)
fi
unset FAULTLINE_ERLANG_COOKIE
export HOME="$D"
if [ -n "$4" ] && [ ! -d "$D/mnesia" ]; then
  echo "faultline: waiting for the seed to accept connections before joining it"
  erl -noshell -noinput -eval "$4" || { echo "faultline: the seed never accepted connections"; exit 1; }
fi
export RABBITMQ_NODENAME="$2" RABBITMQ_USE_LONGNAME=true \\
  RABBITMQ_MNESIA_BASE="$D/mnesia" RABBITMQ_LOG_BASE="$D/log" RABBITMQ_LOGS=- \\
  RABBITMQ_CONFIG_FILE="$D/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$D/enabled_plugins" \\
  RABBITMQ_PID_FILE="$D/rabbit.pid" RABBITMQ_CONF_ENV_FILE="$D/rabbitmq-env.conf"
exec ${BIN}/rabbitmq-server`;

interface RabbitmqSystem extends SystemSpec, ImageChoice {
  /** Runs rabbitmqctl against a node, beside it: same namespace or container, same cookie. */
  ctl(cluster: Cluster, node: string, args: readonly string[]): Promise<ExecResult>;
  /**
   * Evaluates an Erlang expression on a hidden Erlang node started beside `node` (same
   * namespace or container, same cookie), which may call the brokers over distribution.
   */
  probe(cluster: Cluster, node: string, expr: string): Promise<ExecResult>;
}

export function rabbitmqSystem(): RabbitmqSystem {
  const cookie = randomBytes(24).toString('hex');
  /** Each node's data directory as its launch saw it (the cookie lives there). */
  const dataDirs = new Map<string, string>();
  const homeOf = (node: string): string => {
    const dir = dataDirs.get(node);
    if (dir === undefined) throw new FaultlineError(`rabbitmq: node ${node} was never launched`);
    return `${dir}/rabbitmq`;
  };
  const system: RabbitmqSystem = {
    name: 'rabbitmq',
    port: AMQP_PORT,
    image: dockerfileImage('rabbitmq'),
    launch: ({ node, ips, port, dataDir }) => {
      dataDirs.set(node, dataDir);
      const [seedNode, seedIp] = [...ips][0]!;
      const joiner = node !== seedNode;
      return {
        command: 'sh',
        args: ['-c', LAUNCH, 'faultline-rabbitmq', dataDir, rabbitNodeName(ips.get(node)!), rabbitmqConfig(port, joiner ? rabbitNodeName(seedIp) : undefined), joiner ? waitForPort(seedIp, port, 240) : ''],
        env: {
          FAULTLINE_ERLANG_COOKIE: cookie,
          RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 1:1',
          RABBITMQ_SCHEDULER_BUSY_WAIT_THRESHOLD: 'none',
        },
      };
    },
    // The AMQP listener opens only when the broker has booted: joined its cluster (or, after
    // a restart, synced its tables with the peers). Whether the cluster as a whole formed is
    // checked once, by the client's setup (rabbitmqClusterFormed).
    async ready({ host, port }) {
      try {
        const c = await amqp.connect({ hostname: host, port, username: 'guest', password: 'guest', heartbeat: 0 }, { timeout: 1000 });
        c.on('error', () => undefined);
        await c.close().catch(() => undefined);
        return true;
      } catch {
        return false;
      }
    },
    // Three Erlang VMs booting together on a shared machine: 10–40 s, more under load.
    readyTimeoutMs: 180_000,
    clock: 'libc',
    ctl(cluster, node, args) {
      const home = homeOf(node);
      return cluster.exec(node, ['env', `HOME=${home}`, 'RABBITMQ_USE_LONGNAME=true', `RABBITMQ_CONF_ENV_FILE=${home}/rabbitmq-env.conf`, `${BIN}/rabbitmqctl`, '-n', rabbitNodeName(cluster.ip(node)), ...args]);
    },
    probe(cluster, node, expr) {
      const name = `fl-probe-${randomBytes(4).toString('hex')}@${cluster.ip(node)}`;
      return cluster.exec(node, ['env', `HOME=${homeOf(node)}`, 'timeout', '20', 'erl', '-noshell', '-noinput', '-hidden', '-name', name, '-eval', expr]);
    },
  };
  return system;
}

/**
 * Waits (bounded) until the seed lists every node as a running member of its cluster; a
 * node whose join failed would boot standalone and still answer AMQP. One line naming the
 * nodes missing otherwise.
 */
export async function rabbitmqClusterFormed(system: RabbitmqSystem, cluster: Cluster, timeoutMs: number): Promise<void> {
  const seed = cluster.nodes[0];
  if (seed === undefined) return;
  const want = cluster.nodes.map((n) => rabbitNodeName(cluster.ip(n)));
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const left = Math.max(5, Math.round((deadline - Date.now()) / 1000));
    const r = await system.ctl(cluster, seed, ['cluster_status', '--formatter', 'json', '--timeout', String(left)]);
    if (r.exitCode === 0) {
      try {
        const running = (JSON.parse(r.stdout) as { running_nodes?: string[] }).running_nodes ?? [];
        const missing = cluster.nodes.filter((_, i) => !running.includes(want[i]!));
        if (missing.length === 0) return;
        last = `not running in the cluster: ${missing.join(', ')}`;
      } catch {
        last = `unreadable cluster_status: ${r.stdout.slice(0, 200)}`;
      }
    } else last = (r.stderr || r.stdout).trim().split('\n').filter(Boolean).slice(-1)[0] ?? `rabbitmqctl exited ${r.exitCode}`;
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new FaultlineError(`rabbitmq: the cluster did not form within ${timeoutMs / 1000} s (${last}); see the nodes' logs`);
}

/**
 * The node a quorum queue's Raft leader runs on, by majority of the live members' views (a
 * member cut off by a partition may still name a deposed leader); undefined when none
 * answers. Asked through an Erlang probe (`erl`, 1–2 s) rather than the Elixir CLI, whose
 * start-up took 10–30 s on this shared machine, longer than a fault lasts; and
 * `rabbitmqctl list_queues` cannot answer at all here (members on other nodes stream
 * their rows straight to the CLI's own Erlang node, which they cannot reach). The member
 * names follow RabbitMQ's convention for quorum queues: '<vhost, URL-encoded>_<queue>'.
 */
export async function rabbitmqQueueLeader(system: RabbitmqSystem, cluster: Cluster, queue: string): Promise<string | undefined> {
  const live = cluster.nodes.filter((n) => cluster.isRunning(n));
  const from = live[0];
  if (from === undefined) return undefined;
  const member = `'%2F_${queue.replace(/[^A-Za-z0-9_.-]/g, '')}'`;
  const names = live.map((n) => `'${rabbitNodeName(cluster.ip(n))}'`);
  const expr = [
    `Ls = [case rpc:call(N, ra, members, [{${member}, N}], 3000) of {ok, _, {_, L}} -> L; _ -> none end || N <- [${names.join(', ')}]]`,
    `io:format("~p~n", [Ls])`,
    'halt()',
  ].join(', ') + '.';
  const r = await system.probe(cluster, from, expr).catch(() => undefined);
  if (r?.exitCode !== 0) return undefined;
  const votes = new Map<string, number>();
  for (const [, ip] of r.stdout.matchAll(/'?rabbit@([0-9.]+)'?/g)) {
    const node = cluster.nodes.find((n) => cluster.ip(n) === ip);
    if (node) votes.set(node, (votes.get(node) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
}
