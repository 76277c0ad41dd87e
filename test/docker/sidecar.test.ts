/**
 * netExec without host privileges: the one-shot NET_ADMIN sidecar (nettools image) runs
 * iptables in a node's namespace, and a partition made that way really cuts traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/clients/http-transport.js';
import { DockerCluster } from '../../src/cluster/docker.js';
import { newRunId } from '../../src/cluster/names.js';
import { kvSystem } from '../../src/systems/kv/system.js';
import { requireDocker, skipDocker } from './docker-available.js';

const logDir = mkdtempSync(join(tmpdir(), 'fl-test-sidecar-'));
const cluster = new DockerCluster({ runId: newRunId(), nodes: ['n1', 'n2'], system: kvSystem('careful'), logDir, netExec: 'sidecar' });
const url = (n: string) => `http://${cluster.address(n).host}:${cluster.address(n).port}`;

describe.skipIf(skipDocker)('docker netExec through a NET_ADMIN sidecar', () => {
  beforeAll(async () => {
    requireDocker();
    await cluster.setup();
  }, 120_000);
  afterAll(async () => {
    await cluster.teardown();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('runs iptables in the node namespace and the rule takes effect', async () => {
    expect((await httpRequest(url('n2'), '/write', { key: 'a', value: 1 }, { timeoutMs: 3000 })).status).toBe(200);
    const add = await cluster.netExec('n2', ['iptables', '-w', '-I', 'INPUT', '1', '-s', cluster.ip('n1'), '-j', 'DROP']);
    expect(add.exitCode, add.stderr).toBe(0);
    expect((await cluster.netExec('n2', ['iptables', '-S', 'INPUT'])).stdout).toContain(`-s ${cluster.ip('n1')}/32 -j DROP`);
    // n2 forwards writes to the primary n1, whose answers it now drops.
    expect((await httpRequest(url('n2'), '/write', { key: 'a', value: 2 }, { timeoutMs: 3000 })).status).toBe(503);
    const missing = await cluster.netExec('n2', ['no-such-tool']);
    expect(missing.exitCode).not.toBe(0);
  });
});
