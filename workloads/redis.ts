/**
 * Workload `redis`: Redis with Sentinel (Debian's redis-server and redis-sentinel) — one
 * primary, replicas, a Sentinel on every node — reached the way applications reach it,
 * through Sentinel (ioredis). Two checks on one store: registers (GET, SET, a Lua
 * compare-and-set) must be linearizable, and a set of unique adds must keep every
 * acknowledged add (the `set` checker counts the acknowledged adds lost).
 *
 * Redis documents that Sentinel failover can lose acknowledged writes: a primary cut off
 * from its replicas and the Sentinels keeps taking writes from the clients that still
 * reach it, the others promote a replica, and when the partition heals the old primary
 * becomes a replica and drops what it took meanwhile. Partitions here therefore always
 * isolate the primary (as Sentinel names it); clients are never partitioned.
 *
 * Variants: `async` (default replication), `min-replicas` (min-replicas-to-write 1, plus
 * WAIT 1 after every write), `single` (one server, appendfsync always: the contrast, which
 * must keep everything through kill -9; needs --nodes 1).
 */
import { compose } from '../src/checkers/checker.js';
import { linearizable, multiRegister } from '../src/checkers/linearizability/index.js';
import { selectOps } from '../src/checkers/select.js';
import { setChecker } from '../src/checkers/set.js';
import { RedisClient } from '../src/clients/redis.js';
import { UsageError } from '../src/core/errors.js';
import { eachThread, gen, onThreads, phases, repeat, sleep, timeLimit, untilOk } from '../src/core/generator/index.js';
import type { GenContext } from '../src/core/generator/types.js';
import type { Op } from '../src/core/op.js';
import { clock } from '../src/nemesis/clock.js';
import { faults } from '../src/nemesis/faults.js';
import { FAULT_KINDS } from '../src/nemesis/registry.js';
import type { Workload } from '../src/run/workload.js';
import { PRIMARY_NAME, REDIS_PORT, REDIS_VARIANTS, redisSystem, requireLocalRedis, SENTINEL_PORT, unsettled, waitForSentinels, type RedisVariant } from '../src/systems/redis/system.js';
import { finalReads, registerKeys, registerOp } from '../src/workload-kit/register-ops.js';
import { uniqueElement } from './set.js';

const KEYS = registerKeys({ keys: 5 });
/** How long the Sentinels may take to agree on the primary and see every replica. */
const SETTLE_TIMEOUT_MS = 30_000;

/** Register ops carry `[key, …]`; set ops are adds and whole-set reads (value null). */
const isRegisterOp = (op: Op) => Array.isArray(op.value);
const isSetOp = (op: Op) => op.f === 'add' || (op.f === 'read' && !Array.isArray(op.value));

export const workload: Workload = {
  name: 'redis',
  description: 'Redis 7 with Sentinel (Debian): registers and a set through Sentinel failover; counts acknowledged writes lost',
  variants: REDIS_VARIANTS,
  // Not clock: Debian's redis-server under libfaketime stops in "unexpected recursive calls
  // to clock_gettime()" (its jemalloc reads the clock inside libfaketime's own calls) and
  // never answers; measured here, the node was not ready within 30 s.
  faults: FAULT_KINDS.filter((k) => k !== clock.kind),
  defaultNodes: 3,
  build(opts, nodes) {
    const variant = opts.variant as RedisVariant;
    if (variant === 'single' && nodes.length !== 1) throw new UsageError(`--variant single runs one Redis server without Sentinel: add --nodes 1 (got ${nodes.length})`);
    if (variant !== 'single' && nodes.length < 3) throw new UsageError(`--variant ${variant} needs a primary, replicas and a Sentinel majority: --nodes 3 or more (got ${nodes.length})`);
    if (opts.backend === 'local') requireLocalRedis(variant);
    const sentinels = variant !== 'single';
    const system = redisSystem(variant);
    return {
      system,
      client: new RedisClient({
        via: sentinels ? { sentinels: { port: SENTINEL_PORT, name: PRIMARY_NAME } } : { direct: true },
        waitReplicas: variant === 'min-replicas' ? 1 : 0,
        ...(sentinels ? { ready: (cluster) => waitForSentinels(cluster, SETTLE_TIMEOUT_MS), unsettled } : {}),
      }),
      generator: gen((ctx: GenContext) => {
        const [x, r] = ctx.rng.next();
        if (x < 0.45) return registerOp({ ...ctx, rng: r }, KEYS);
        if (x < 0.9) return { f: 'add', value: uniqueElement({ ...ctx, rng: r })[0] };
        return { f: 'read', value: null };
      }),
      // Final reads only once Sentinel has demoted any old primary (it waits some seconds
      // after the heal): read earlier, a primary about to drop its writes would still show them.
      final: phases(
        ...(sentinels ? [timeLimit(SETTLE_TIMEOUT_MS / 1000, onThreads((t) => t === 0, untilOk(repeat([{ f: 'settled', value: null }, sleep(0.5)]))))] : []),
        eachThread([...finalReads({ keys: KEYS }), { f: 'read', value: null }]),
      ),
      faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap, primary: system.primary!, port: REDIS_PORT, shapes: ['primary'] }),
    };
  },
  checker(opts) {
    return {
      ...compose([
        selectOps(linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 }), isRegisterOp),
        selectOps(setChecker(), isSetOp),
      ]),
      name: 'redis',
    };
  },
};
