/**
 * Which address clients get on the Docker backend. Where the run's bridge is an interface
 * of the harness' own network namespace (a local engine, as here), `auto` uses the
 * containers' IPs: a killed node then refuses connections, a definite failure, where
 * Docker's port proxy would accept and drop them (indeterminate).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpRequestError, httpRequest } from '../../src/clients/http-transport.js';
import { DockerCluster, type ClientAddressMode } from '../../src/cluster/docker.js';
import { dockerNames } from '../../src/cluster/docker-names.js';
import { newRunId } from '../../src/cluster/names.js';
import { kvSystem } from '../../src/systems/kv/system.js';
import { requireDocker, skipDocker } from './docker-available.js';

const clusters: DockerCluster[] = [];
const dirs: string[] = [];
function cluster(clientAddress?: ClientAddressMode): DockerCluster {
  const logDir = mkdtempSync(join(tmpdir(), 'fl-test-addr-'));
  dirs.push(logDir);
  const c = new DockerCluster({ runId: newRunId(), nodes: ['n1'], system: kvSystem('careful'), logDir, ...(clientAddress ? { clientAddress } : {}) });
  clusters.push(c);
  return c;
}

async function refusalAfterKill(c: DockerCluster): Promise<unknown> {
  const a = c.address('n1');
  const url = `http://${a.host}:${a.port}`;
  expect((await httpRequest(url, '/write', { key: 'k', value: 1 }, { timeoutMs: 3000 })).status).toBe(200);
  await c.kill('n1');
  // A fresh connection: the write's keep-alive socket died with the process either way.
  return httpRequest(url, '/read', { key: 'k' }, { timeoutMs: 3000, agent: new http.Agent() }).catch((e: unknown) => e);
}

describe.skipIf(skipDocker)('docker client addresses', () => {
  beforeAll(() => requireDocker());
  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((c) => c.teardown()));
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('auto: container IPs when the bridge is ours to route to; a killed node refuses', async () => {
    const c = cluster();
    await c.setup();
    expect(existsSync(`/sys/class/net/${dockerNames.bridge(c.runId)}`)).toBe(true);
    expect(c.clientAddressMode).toBe('container');
    expect(c.address('n1')).toEqual({ host: c.ip('n1'), port: 8000 });
    const err = await refusalAfterKill(c);
    expect(err).toBeInstanceOf(HttpRequestError);
    expect((err as HttpRequestError).code).toBe('connect');
  }, 120_000);

  it('published: 127.0.0.1, where the proxy accepts for a dead node and then drops it', async () => {
    const c = cluster('published');
    await c.setup();
    expect(c.address('n1').host).toBe('127.0.0.1');
    const err = await refusalAfterKill(c);
    expect(err).toBeInstanceOf(HttpRequestError);
    expect((err as HttpRequestError).code).not.toBe('connect');
  }, 120_000);

  it('a bad FAULTLINE_DOCKER_ADDRESS is a one-line error', async () => {
    process.env.FAULTLINE_DOCKER_ADDRESS = 'bridge';
    try {
      await expect(cluster().setup()).rejects.toThrow(/^FAULTLINE_DOCKER_ADDRESS must be auto, published or container, got "bridge"$/);
    } finally {
      delete process.env.FAULTLINE_DOCKER_ADDRESS;
    }
  }, 60_000);
});
