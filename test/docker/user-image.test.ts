/**
 * A user's service in its own image on the Docker backend: python-kv's Dockerfile (Python
 * on the locally built Debian base) gives the same verdicts as on the local backend, and a
 * Dockerfile that does not build, or an image the engine lacks, is a one-line error.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../src/cluster/docker-connect.js';
import { cli, repoRoot, startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { requireDocker, skipDocker } from './docker-available.js';

const out = join(repoRoot, 'reports', '.e2e-docker-image');
const common = ['--backend', 'docker', '--seed', '1', '--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];

/** A workload file in a folder of its own (inside the package, so `faultline` resolves). */
function workloadDir(name: string, docker: string, files: Record<string, string> = {}): string {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  writeFileSync(
    join(dir, 'faultline.config.ts'),
    `import { defineWorkload, httpJsonClient } from 'faultline';
export default defineWorkload({
  name: '${name}',
  service: { port: 7000, command: ['server'], docker: ${docker} },
  client: httpJsonClient({ operations: {} }),
});
`,
  );
  return join(dir, 'faultline.config.ts');
}

describe.skipIf(skipDocker)('user images on docker', () => {
  beforeAll(() => requireDocker());
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('python-kv from its Dockerfile: durable valid, in-memory invalid under kill', async () => {
    const args = ['run', '--config', 'examples/python-kv/faultline.config.ts', '--nodes', '1', '--nemesis', 'kill', ...common];
    const durable = await cli(args);
    expect(durable.stderr).toMatch(/python-kv \(durable\) on 1 Docker nodes/);
    expect(durable.code, durable.stderr).toBe(0);
    const memory = await cli([...args, '--variant', 'memory']);
    expect(memory.code, memory.stderr).toBe(1);
    expect(memory.stderr).toMatch(/linearizability: INVALID/);
  }, 600_000);

  it('a Dockerfile that fails names the image and the step, in one line', async () => {
    const config = workloadDir('broken-build', `{ build: '.' }`, { Dockerfile: 'ARG FAULTLINE_NODE\nFROM ${FAULTLINE_NODE}\nCOPY missing.txt /\n' });
    const r = await cli(['run', '--config', config, ...common]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/building image faultline\/user-broken-build:[0-9a-f]{16} failed at "Step 3\/\d+ : COPY missing.txt \/": .*missing\.txt/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('Ctrl-C during a build stops it: the harness exits and the engine drops the build', async () => {
    const config = workloadDir('slow-build', `{ build: '.' }`, { Dockerfile: 'ARG FAULTLINE_DEBIAN\nFROM ${FAULTLINE_DEBIAN}\nRUN sleep 127\n' });
    const { child, done } = startCli(['run', '--config', config, ...common.filter((a) => a !== '--quiet')]);
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => (seen += d.toString()));
    await waitFor(() => /Step 3\/\d+ : RUN sleep 127/.test(seen), 'the build to reach its RUN step', 300_000, 200);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    // The engine cancels a build whose client went away, and removes its container.
    const docker = dockerClient();
    const building = async () => (await docker.listContainers({ all: true })).filter((c) => c.Command.includes('sleep 127'));
    await waitFor(async () => (await building()).length === 0, 'the engine to drop the build container', 20_000, 200);
    expect(await docker.listImages({ filters: JSON.stringify({ reference: ['faultline/user-slow-build'] }) })).toEqual([]);
  }, 360_000);

  it('an image the engine does not have is refused, not pulled', async () => {
    const config = workloadDir('absent-image', `{ image: 'faultline-test/absent:1' }`);
    const r = await cli(['run', '--config', config, ...common]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/image faultline-test\/absent:1 is not in the local Docker engine: build it/);
  }, 60_000);
});
