/**
 * A workload file's `service.docker`: which command, environment and working directory a
 * node gets on each backend, and which image the Docker backend is asked for.
 */
import { describe, expect, it } from 'vitest';
import type { SystemContext } from '../../src/cluster/cluster.js';
import { imageOf } from '../../src/cluster/images/catalog.js';
import { httpJsonClient } from '../../src/clients/http-json.js';
import { toWorkload } from '../../src/config/to-workload.js';
import type { WorkloadConfig } from '../../src/config/workload-config.js';
import { resolveTest } from '../../src/run/resolve.js';

const client = httpJsonClient({ operations: {} });
const ips = new Map([
  ['n1', '10.0.0.11'],
  ['n2', '10.0.0.12'],
]);

function systemFor(service: WorkloadConfig['service']) {
  const w = toWorkload({ name: 'svc', service, client }, '/repo/svc/faultline.config.ts', '/repo/svc');
  const { options: opts } = resolveTest({ workload: w, given: new Map([['nemesis', []]]), out: 'reports', quiet: true });
  return w.build(opts, ['n1', 'n2']).system;
}

const ctx = (backend: SystemContext['backend']): SystemContext => ({ node: 'n1', ips, port: 7000, dataDir: '/data', backend });

describe('service.docker', () => {
  const service = {
    port: 7000,
    command: ['python3', 'server.py', '--data', '{dataDir}'],
    env: { MODE: 'host' },
    docker: { build: 'image', command: ['/app/run', '{node}', '{peers}'], env: { MODE: 'container-{node}' }, workdir: '/app' },
  };

  it('runs the host command from the workload directory on the local backend', () => {
    expect(systemFor(service).launch(ctx('local'))).toEqual({ command: 'python3', args: ['server.py', '--data', '/data'], env: { MODE: 'host' }, cwd: '/repo/svc' });
  });

  it('runs the container command, placeholders filled, in the image on the Docker backend', () => {
    expect(systemFor(service).launch(ctx('docker'))).toEqual({ command: '/app/run', args: ['n1', 'n2=10.0.0.12:7000'], env: { MODE: 'container-n1' }, cwd: '/app' });
  });

  it('falls back to the service command and the image WORKDIR', () => {
    const launch = systemFor({ ...service, docker: { build: 'image' } }).launch(ctx('docker'));
    expect(launch).toEqual({ command: 'python3', args: ['server.py', '--data', '/data'], env: { MODE: 'host' } });
  });

  it('asks for a Dockerfile build in the resolved context, or for an existing image', () => {
    expect(imageOf(systemFor(service))).toEqual({ dockerfile: { name: 'user-svc', context: '/repo/svc/image' } });
    expect(imageOf(systemFor({ ...service, docker: { build: { context: '../ctx', dockerfile: 'Dockerfile.kv', args: { V: '1' } } } }))).toEqual({
      dockerfile: { name: 'user-svc', context: '/repo/ctx', dockerfile: 'Dockerfile.kv', args: { V: '1' } },
    });
    expect(imageOf(systemFor({ ...service, docker: { image: 'svc:dev' } }))).toEqual({ existing: 'svc:dev' });
  });

  it('keeps the built-in node image (host command, workload directory mounted) without service.docker', () => {
    const { docker: _ignored, ...plain } = service;
    const system = systemFor(plain);
    expect(imageOf(system)).toBe('node');
    expect(system.launch(ctx('docker')).cwd).toBe('/repo/svc');
  });
});
