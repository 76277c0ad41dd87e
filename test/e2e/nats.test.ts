/**
 * NATS JetStream (Debian's nats-server) through the real CLI on the local backend: three
 * servers form a JetStream cluster, a 3-replica work-queue stream takes acknowledged
 * publishes and a durable pull consumer hands out messages while servers are killed; the
 * final drain accounts for every acknowledged message. A setup that cannot start is one
 * line and exit 3, with nothing left behind. Needs root.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-nats');
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('nats workload', () => {
  it('r3: nothing acknowledged is lost through kill -9', async () => {
    const r = await cli(['run', 'nats', '--seed', '1', '--time-limit', '10', '--nemesis', 'kill', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out]);
    expect(r.stderr).toMatch(/nats \(r3\) on 3 local nodes/);
    expect(r.code, r.stderr).toBe(0);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const q = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).queue;
    expect(q.acknowledged).toBeGreaterThan(20);
    expect(q.lostCount).toBe(0);
    expect(q.drained).toBe(true);
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { process: unknown; f: string; type: string });
    expect(history.some((o) => o.process === 'nemesis' && o.f === 'kill' && o.type === 'ok')).toBe(true);
  }, 300_000);

  it('a server that cannot start: one line, exit 3, no namespace or temp dir left', async () => {
    const r = await cli(['run', 'nats', '--time-limit', '5', '--quiet', '--out', out], { FAULTLINE_NATS_SERVER: '/bin/false' });
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^faultline: node n\d exited \(1\) while starting; last log lines: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const runId = /run ([0-9a-f]{6})/.exec(r.stderr)![1]!;
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`fl-${runId}-`);
    expect(readdirSync(tmpdir()).filter((d) => d.includes(runId))).toEqual([]);
  }, 120_000);
});
