/**
 * Teardown is bounded whatever a service leaves behind: a workload whose service starts a
 * `setsid` helper that keeps the node's stdout open (a session, process group and pipe
 * holder of its own) still finishes with its verdict, and nothing of the run is left:
 * no namespace, no process. Local backend, real CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, startCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-test-teardown-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A sleep length no other process on the machine uses, so its processes can be found. */
const marker = `${90_000 + (process.pid % 9_000)}.${Date.now() % 1000}`;

/** Pids whose command line is `sleep <marker>`. */
function helpersAlive(): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8') === `sleep\0${marker}\0`) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

const namespacesOf = (runId: string) =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(`fl-${runId}-`));

/** A workload file whose service starts a helper with a session of its own that inherits stdout and stderr. */
function holdsPipeWorkload(ignoreTerm = false): string {
  const server = join(repoRoot, 'examples', 'replica-cache', 'server.mjs');
  const file = join(tmp, `holds-pipe${ignoreTerm ? '-ignores-term' : ''}.config.ts`);
  // With TERM ignored (inherited by the server and the helper), a polite teardown waits out its grace period.
  const trap = ignoreTerm ? "trap '' TERM; " : '';
  writeFileSync(
    file,
    `import { defineWorkload } from ${JSON.stringify(join(repoRoot, 'dist', 'src', 'index.js'))};
import base from ${JSON.stringify(join(repoRoot, 'examples', 'replica-cache', 'faultline.config.ts'))};
export default defineWorkload({
  ...base,
  name: 'holds-pipe',
  variants: ['fixed'],
  service: {
    ...base.service,
    command: ['sh', '-c', "${trap}setsid sleep ${marker} & exec node ${server} --id {node} --nodes {nodes} --port {port} --data {dataDir}"],
  },
});
`,
  );
  return file;
}

describe('teardown with a service that leaves a detached child holding its output', () => {
  it('finishes with the verdict, in bounded time, leaving no namespace and no process', async () => {
    const file = holdsPipeWorkload();
    const out = join(tmp, 'reports');
    const { child, done } = startCli(['run', '--config', file, '--nodes', '2', '--nemesis', 'kill', '--time-limit', '4', '--nemesis-interval', '1', '--recovery-time', '1', '--seed', '3', '--out', out, '--quiet']);
    // A hang is this test's failure: kill the harness (and say so) rather than wait forever.
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, 90_000);
    const r = await done;
    clearTimeout(guard);
    const runId = /run ([0-9a-f]{6})/.exec(r.stderr)?.[1];
    expect(runId, r.stderr).toBeDefined();
    try {
      expect(hung, `the run did not finish in 90 s:\n${r.stderr}`).toBe(false);
      expect(r.stderr).toMatch(/holds-pipe \(fixed, seed 3\): VALID/);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/did not exit|still in the run's namespaces/);
      expect(namespacesOf(runId!)).toEqual([]);
      expect(helpersAlive()).toEqual([]);
    } finally {
      for (const pid of helpersAlive()) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});

describe('a closed output pipe (faultline run … | head -1)', () => {
  it('does not stop the run: it tears down and exits with the verdict code', async () => {
    const out = join(tmp, 'piped');
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'faultline.js'), 'run', 'register', '--nodes', '3', '--time-limit', '3', '--nemesis-interval', '1', '--recovery-time', '1', '--seed', '5', '--out', out], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Like `head -1` on both streams: keep the first line, then close the read ends.
    child.stdout!.destroy();
    const firstLine = await new Promise<string>((resolve) => {
      let buf = '';
      const onData = (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        child.stderr!.off('data', onData);
        child.stderr!.destroy();
        resolve(buf.slice(0, nl));
      };
      child.stderr!.on('data', onData);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const runId = /run ([0-9a-f]{6})/.exec(firstLine)?.[1];
    expect(runId, firstLine).toBeDefined();
    const [runDir] = readdirSync(join(out, 'register')).map((d) => join(out, 'register', d));
    const results = JSON.parse(readFileSync(join(runDir!, 'results.json'), 'utf8')) as { valid: unknown };
    const test = JSON.parse(readFileSync(join(runDir!, 'test.json'), 'utf8')) as { endedAt?: string; interrupted?: boolean };
    // The careful register is linearizable: the verdict is VALID, and the exit code says so.
    expect(results.valid).toBe(true);
    expect(code).toBe(0);
    expect(test.interrupted).toBe(false);
    expect(test.endedAt).toEqual(expect.any(String));
    expect(namespacesOf(runId!)).toEqual([]);
  });
});

describe('Ctrl-C twice', () => {
  it('forces a teardown that still removes every namespace and process, then exits 130', async () => {
    const file = holdsPipeWorkload(true);
    const out = join(tmp, 'forced');
    const { child, done } = startCli(['run', '--config', file, '--nodes', '2', '--nemesis', 'none', '--time-limit', '60', '--seed', '4', '--out', out, '--quiet']);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const runIdNow = () => /run ([0-9a-f]{6})/.exec(stderr)?.[1];
    try {
      // Both nodes' helpers up in their namespaces; then Ctrl-C, and again once the first is seen
      // (signals sent together would arrive as one).
      await expect.poll(() => helpersAlive().length, { timeout: 60_000, interval: 200 }).toBe(2);
      child.kill('SIGINT');
      await expect.poll(() => stderr, { timeout: 10_000, interval: 20 }).toMatch(/stopping, healing/);
      child.kill('SIGINT');
      const r = await done;
      expect(r.stderr).toMatch(/forcing teardown/);
      expect(r.code).toBe(130);
      expect(runIdNow(), r.stderr).toBeDefined();
      expect(namespacesOf(runIdNow()!)).toEqual([]);
      expect(helpersAlive()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      for (const pid of helpersAlive()) process.kill(pid, 'SIGKILL');
    }
  });
});
