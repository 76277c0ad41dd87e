/**
 * RabbitMQ (Debian's rabbitmq-server) through the real CLI on the local backend: three
 * brokers in network namespaces form a cluster, a quorum queue takes confirmed publishes
 * and acknowledged gets while brokers are killed, and the final drain accounts for every
 * acknowledged message. Short on purpose: RabbitMQ boots slowly. Needs root.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-rabbitmq');
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('rabbitmq workload', () => {
  it('quorum queue: nothing acknowledged is lost through kill -9, with the figures in the summary', async () => {
    const r = await cli(['run', 'rabbitmq', '--seed', '1', '--time-limit', '10', '--nemesis', 'kill', '--nemesis-interval', '3', '--recovery-time', '1', '--quiet', '--out', out]);
    expect(r.stderr).toMatch(/rabbitmq \(quorum\) on 3 local nodes/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/queue: valid\n\s+enqueued \d+ \(ok \d+, info \d+, fail \d+\); dequeued \d+ distinct in \d+ deliveries; lost 0, unexpected 0, duplicated \d+ \(at-least-once\), recovered \d+, out of order 0/);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const q = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).queue;
    expect(q.acknowledged).toBeGreaterThan(20);
    expect(q.drained).toBe(true);
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { process: unknown; f: string; type: string });
    expect(history.some((o) => o.process === 'nemesis' && o.f === 'kill' && o.type === 'ok')).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<section class="queue" id="queue">');
  }, 600_000);

  it('refuses fewer than three brokers', async () => {
    const r = await cli(['run', 'rabbitmq', '--nodes', '2', '--quiet', '--out', out]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/rabbitmq: runs on 3 nodes .*got 2/);
  });
});
