/**
 * Client for Redis behind Sentinel, through ioredis (pure JavaScript, the usual Node client
 * with Sentinel support). Like a real application, a worker never names the primary: it
 * gives ioredis the Sentinels (its own node's first) and the name `mymaster`; ioredis asks
 * a Sentinel for the primary's address, checks that the server there says it is a master,
 * and asks again whenever the connection drops (Sentinel drops a demoted primary's clients).
 *
 * Ops, on keys of the register workload and one set:
 *   read [k, _]    GET k                         write [k, v]   SET k v
 *   cas [k, [a,b]] a Lua script: SET k b if GET k is a (atomic on the server)
 *   add e          SADD faultline-set e          read (set)     SMEMBERS faultline-set
 *
 * `settled` is no op on the data: it asks whether the deployment has settled after the
 * faults (one primary that every Sentinel names, every other server replicating it), so
 * final reads see what the system kept, not an old primary about to be demoted.
 *
 * With `wait`, every write (SET, cas that swapped, SADD) is followed by `WAIT 1 <ms>`: it
 * counts as acknowledged only when a replica confirmed it; otherwise it stayed on the
 * primary alone and is `info` (Redis does not roll it back).
 *
 * Outcomes: an error reply (READONLY, NOREPLICAS, …) is a definite `fail`, and so is a
 * command ioredis refused to send while disconnected (no offline queue, no resending of
 * unanswered commands: a late resend would be a write nobody waits for). A write whose
 * connection broke or timed out is `info`; a read that did not answer is a `fail`.
 */
import { Redis } from 'ioredis';
import type { Cluster } from '../cluster/cluster.js';
import { FaultlineError } from '../core/errors.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import { failure, unknownOp } from './outcome.js';
import { raceAbort } from './race-abort.js';

const SET_KEY = 'faultline-set';

const CAS_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 else return 0 end";

interface RedisClientOptions {
  /** Where to reach the primary: through Sentinels by name, or one server directly. */
  via: { sentinels: { port: number; name: string } } | { direct: true };
  /** WAIT for this many replicas after each write (0: no WAIT). */
  waitReplicas: number;
  /** Resolves once the deployment is settled (throws a one-line error when it never is); setup waits for it. */
  ready?: (cluster: Cluster) => Promise<void>;
  /** For the `settled` op: undefined once the deployment has settled after faults, else what is off. */
  unsettled?: (cluster: Cluster) => Promise<string | undefined>;
}

export class RedisClient implements Client {
  private conn: Redis | undefined;

  constructor(
    private readonly o: RedisClientOptions,
    private readonly make?: () => Redis,
  ) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    const common = {
      connectTimeout: 1000,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // Keep trying, quickly: a failover takes seconds and the worker must find the new primary.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 500),
      lazyConnect: true,
    };
    const via = this.o.via;
    if ('direct' in via) {
      const a = test.cluster.address(node);
      return new RedisClient(this.o, () => new Redis({ ...common, host: a.host, port: a.port }));
    }
    // Every Sentinel, this worker's node first: the one it asks unless it is down.
    const nodes = test.cluster.nodes;
    const i = nodes.indexOf(node);
    const order = [...nodes.slice(i), ...nodes.slice(0, i)];
    const sentinels = order.map((n) => ({ host: test.cluster.ip(n), port: via.sentinels.port }));
    return new RedisClient(this.o, () => new Redis({ ...common, sentinels, name: via.sentinels.name, role: 'master', sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 100, 500) }));
  }

  private connection(): Redis {
    if (!this.conn) {
      if (!this.make) throw new Error('client not opened');
      const c = this.make();
      c.on('error', () => undefined);
      c.connect().catch(() => undefined);
      this.conn = c;
    }
    return this.conn;
  }

  /** Waits (bounded by the op's signal) until the connection is ready to take commands. */
  private async ready(signal: AbortSignal): Promise<Redis> {
    const c = this.connection();
    if (c.status === 'ready') return c;
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        c.off('ready', onReady);
        reject(new NotSent(`no primary reachable through ${'direct' in this.o.via ? 'the server' : 'Sentinel'} (connection ${c.status})`));
      };
      if (signal.aborted) return onAbort();
      c.once('ready', onReady);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return c;
  }

  async setup(test: TestRuntime): Promise<void> {
    const c = test.cluster;
    // Sentinels hand out the primary's cluster IP: clients must be able to reach those.
    if ('sentinels' in this.o.via && c.nodes.some((n) => c.address(n).host !== c.ip(n))) {
      throw new FaultlineError('redis through Sentinel needs clients that reach the nodes\' own IPs (Sentinel names the primary by its IP), but this Docker engine\'s containers are only reachable through published ports; run on a local engine, or set FAULTLINE_DOCKER_ADDRESS=container where the bridge is routable');
    }
    await this.o.ready?.(c);
  }

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    const isRead = op.f === 'read' || op.f === 'settled';
    try {
      if (op.f === 'settled') {
        // Not an op on the data: a check of the deployment before final reads (see workloads/redis.ts).
        const off = await raceAbort(this.o.unsettled?.(test.cluster) ?? Promise.resolve(undefined), signal);
        return off === undefined ? { type: 'ok', value: null } : { type: 'fail', value: null, error: off };
      }
      const c = await this.ready(signal);
      const run = <T>(p: Promise<T>) => raceAbort(p, signal);
      switch (op.f) {
        case 'read': {
          if (!Array.isArray(op.value)) {
            const members = await run(c.smembers(SET_KEY));
            return { type: 'ok', value: members.sort() };
          }
          const [key] = op.value as [string, unknown];
          const raw = await run(c.get(key));
          return { type: 'ok', value: [key, raw === null ? null : (JSON.parse(raw) as unknown)] };
        }
        case 'write': {
          const [key, v] = op.value as [string, unknown];
          await run(c.set(key, JSON.stringify(v)));
          return await this.acknowledged(c, op, signal);
        }
        case 'cas': {
          const [key, [from, to]] = op.value as [string, [unknown, unknown]];
          const swapped = await run(c.eval(CAS_SCRIPT, 1, key, JSON.stringify(from), JSON.stringify(to)));
          if (swapped !== 1) return failure('refused', op.value, 'cas mismatch');
          return await this.acknowledged(c, op, signal);
        }
        case 'add':
          await run(c.sadd(SET_KEY, String(op.value)));
          return await this.acknowledged(c, op, signal);
        default:
          return unknownOp(op);
      }
    } catch (e) {
      const err = e as Error;
      const error = err.message;
      // The server answered with an error, or ioredis never sent the command.
      if (err.name === 'ReplyError') return failure('refused', op.value, error);
      if (e instanceof NotSent || /^Stream isn't writeable/.test(error)) return failure('not-sent', op.value, error);
      if (signal.aborted) this.reset();
      return failure('no-answer', op.value, error, isRead);
    }
  }

  /** After a write the primary applied: ok, or with WAIT only once a replica confirmed it. */
  private async acknowledged(c: Redis, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (this.o.waitReplicas === 0) return { type: 'ok', value: op.value };
    try {
      const got = (await raceAbort(c.call('WAIT', String(this.o.waitReplicas), String(WAIT_MS)), signal)) as number;
      if (got >= this.o.waitReplicas) return { type: 'ok', value: op.value };
      return { type: 'info', value: op.value, error: `applied on the primary, WAIT: ${got} of ${this.o.waitReplicas} replica(s) confirmed` };
    } catch (e) {
      return { type: 'info', value: op.value, error: `applied on the primary, WAIT failed: ${(e as Error).message}` };
    }
  }

  /** Drops the connection after a timeout: nothing still queued in it may run later. */
  private reset(): void {
    this.conn?.disconnect();
    this.conn = undefined;
  }

  async teardown(): Promise<void> {}

  async close(): Promise<void> {
    this.reset();
  }
}

/** How long WAIT blocks for a replica's acknowledgement (well inside the op timeout). */
const WAIT_MS = 1000;

class NotSent extends Error {}
