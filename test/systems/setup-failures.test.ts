/**
 * Bad setups of the real third-party systems end in one line naming the cause, and leave
 * nothing running: an ensemble that never forms (ZooKeeper), a port already taken (Redis).
 * On the local backend with Debian's binaries; needs root. (A missing binary is checked
 * through the CLI in test/e2e/zookeeper.test.ts and test/e2e/redis.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SystemSpec } from '../../src/cluster/cluster.js';
import { LocalCluster } from '../../src/cluster/local.js';
import { newRunId } from '../../src/cluster/names.js';
import { fourLetterWord, serverMode } from '../../src/systems/zookeeper/four-letter.js';
import { waitForEnsemble, zookeeperSystem } from '../../src/systems/zookeeper/system.js';
import { REDIS_PORT, redisSystem } from '../../src/systems/redis/system.js';

const logDir = mkdtempSync(join(tmpdir(), 'fl-test-setup-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

const leftovers = (runId: string) => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`fl-${runId}-`));

describe('bad setups of real systems', () => {
  it('a ZooKeeper member whose peers never come up: the ensemble never forms, said in one line', async () => {
    const zk = zookeeperSystem();
    // One real member told of two more on loopback addresses where nothing listens: it
    // answers ruok (the process is up) but can never reach a quorum.
    const lonely: SystemSpec = {
      ...zk,
      launch: (ctx) => zk.launch({ ...ctx, ips: new Map([...ctx.ips, ['ghost1', '127.0.0.2'], ['ghost2', '127.0.0.3']]) }),
    };
    const runId = newRunId();
    const cluster = new LocalCluster({ runId, nodes: ['n1'], system: lonely, logDir: join(logDir, runId) });
    try {
      await cluster.setup();
      const a = cluster.address('n1');
      expect(await fourLetterWord(a.host, a.port, 'ruok')).toBe('imok');
      expect(serverMode(await fourLetterWord(a.host, a.port, 'srvr'))).toBeUndefined();
      const err = await waitForEnsemble(cluster, 3000).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/^the ZooKeeper ensemble did not form within 3 s: n1 not serving \(no leader\/follower mode in srvr\); see nodes\/n1\.log/);
      expect(err?.message).not.toContain('\n');
    } finally {
      await cluster.teardown();
    }
    expect(leftovers(runId)).toEqual([]);
  }, 120_000);

  it('a Redis port already taken: the node exits while starting, with the server\'s reason', async () => {
    const single = redisSystem('single');
    // Something else holds the port first: another redis-server, frozen once it listens,
    // so the port is taken but nothing answers PING there.
    const squat = `redis-server --port ${REDIS_PORT} --save '' --appendonly no --logfile '' & p=$!; until redis-cli -p ${REDIS_PORT} ping >/dev/null 2>&1; do sleep 0.05; done; kill -STOP $p; exec "$@"`;
    const squatted: SystemSpec = {
      ...single,
      launch: (ctx) => {
        const l = single.launch(ctx);
        return { ...l, command: 'sh', args: ['-c', squat, 'squat', l.command, ...l.args] };
      },
    };
    const runId = newRunId();
    const cluster = new LocalCluster({ runId, nodes: ['n1'], system: squatted, logDir: join(logDir, runId) });
    const err = await cluster.setup().then(
      () => undefined,
      (e: Error) => e,
    );
    await cluster.teardown();
    expect(err?.message).toMatch(/^node n1 exited \(1\) while starting; last log lines: .*Address already in use/);
    expect(err?.message).not.toContain('\n');
    expect(leftovers(runId)).toEqual([]);
  }, 60_000);
});
