/**
 * The system commands the backends run are waited for until they exit, not until every
 * process that inherited their output lets go of it: a command that leaves a `setsid`
 * child behind on its stdout is done when it is done.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { must, run } from '../../src/cluster/sh.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-test-sh-'));
const left: number[] = [];
afterAll(() => {
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('run', () => {
  it('returns when the command exits, though a detached child still holds its output', async () => {
    const pidFile = join(tmp, 'helper.pid');
    // The helper writes its pid, then sleeps with the command's stdout and stderr open.
    const r = await run(['sh', '-c', `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 1000' & echo started; wait_for() { while [ ! -s ${pidFile} ]; do :; done; }; wait_for`]);
    const helper = Number(readFileSync(pidFile, 'utf8').trim());
    left.push(helper);
    expect(r).toEqual({ exitCode: 0, stdout: 'started', stderr: '' });
    // The point: run() did not wait for the helper to go.
    expect(alive(helper)).toBe(true);
  });

  it('keeps exit codes and output, and names a command that cannot start', async () => {
    expect(await run(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out', stderr: 'err' });
    await expect(must(['sh', '-c', 'echo nope >&2; exit 2'])).rejects.toThrow(/command failed \(exit 2\): sh -c .*: nope/);
    await expect(run(['no-such-command-fl'])).rejects.toThrow(/command failed: no-such-command-fl: spawn no-such-command-fl ENOENT/);
  });

  it('stops a command that outlives its time limit or is interrupted', async () => {
    await expect(run(['sleep', '1000'], 200)).rejects.toThrow(/command failed: sleep 1000: timed out after 200 ms/);
    const ac = new AbortController();
    const p = run(['sleep', '1000'], 60_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow(/command failed: sleep 1000: interrupted/);
  });
});
