/**
 * A node started through a wrapper is killed, paused and resumed as a whole on the local
 * backend: the server the wrapper forked (or detached with setsid) must not outlive a
 * kill and keep answering.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeAddress, SystemSpec } from '../../src/cluster/cluster.js';
import { LocalCluster } from '../../src/cluster/local.js';
import { newRunId } from '../../src/cluster/names.js';

/** Connects and reads the greeting; rejects on refusal, resolves 'timeout' when nobody answers. */
function hello(a: NodeAddress, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(a.port, a.host);
    let data = '';
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      resolve('timeout');
    });
    s.on('data', (d) => (data += d.toString()));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

// A shell that forks the real server and waits: the shell is the process the backend
// started; the server is its child, in the same process group. Or the server detaches
// with setsid (a session and process group of its own), as a daemonizing script's would.
const server = `require('net').createServer((c) => c.end('hello')).listen(7300)`;
const launchers = {
  forked: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(server)} & wait`,
  'detached with setsid': `setsid ${JSON.stringify(process.execPath)} -e ${JSON.stringify(server)} & wait`,
};

describe.each(Object.entries(launchers))('local nodes as a whole: server %s', (_, script) => {
  const system: SystemSpec = {
    name: 'forking',
    port: 7300,
    launch: () => ({ command: 'sh', args: ['-c', script] }),
    ready: async (a) => (await hello(a, 300).catch(() => '')) === 'hello',
  };
  const logDir = mkdtempSync(join(tmpdir(), 'fl-test-pgroup-'));
  const cluster = new LocalCluster({ runId: newRunId(), nodes: ['n1'], system, logDir });

  beforeAll(() => cluster.setup(), 60_000);
  afterAll(async () => {
    await cluster.teardown();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('kill takes the server down with its wrapper; start brings it back', async () => {
    const a = cluster.address('n1');
    expect(await hello(a)).toBe('hello');
    await cluster.kill('n1');
    await expect(hello(a)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await cluster.start('n1');
    expect(await hello(a)).toBe('hello');
  });

  it('pause freezes the server too; resume thaws it', async () => {
    const a = cluster.address('n1');
    await cluster.pause('n1');
    expect(await hello(a, 500)).toBe('timeout');
    await cluster.resume('n1');
    expect(await hello(a)).toBe('hello');
  });
});
